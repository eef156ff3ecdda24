export const USAGE = `eapd — Diameter EAP server (RFC 6733, RFC 4072) with EAP-PSK (RFC 4764)

Usage: eapd <command> [options]

Server
  serve [--config FILE]                 run the server (default config works out of the box)
  check-config [--config FILE]          validate the configuration and exit (0 valid, 78 invalid)
  config-doc                            print the configuration reference (Markdown)

Devices (same config and store as the server)
  device add <identity> (--psk HEX | --generate) [--group G] [--allow-ap X]... [--allow-mac M]...
  device list [--group G] [--json] | show <identity> | enable <identity> | disable <identity>
  device remove <identity> | import FILE.csv | export [--group G] [--with-psk] [--out FILE]

Routing and redirects (same store; the running server sees changes within a second)
  route list | add <name> --target URI... [match options] | remove <name>
  group move <group> --to URI... | export <group> --out F ... | import F ...
  realm list | add <realm> | remove <realm>

Sessions (through the running server's admin API)
  session abort (--identity ID | --session SID)    send ASR to the NAS
  session reauth (--identity ID | --session SID)   send RAR

Testing an installation
  simulate --server HOST:PORT --identity ID --psk HEX [--count N] [--concurrency C]
           [--eap-start] [--calling-station-id X] [--called-station-id Y]
           [--transport tcp|tls|sctp] [--cert F --key F --ca F] [--expect success|failure]
                                        act as a NAS: authenticate over Diameter and report

Benchmarks
  bench [--quick] [--only ID,...] [--out DIR]   run the benchmark scenarios (results in bench/results/)

Options
  --config FILE   JSON configuration laid over the defaults (environment variables win)
  -h, --help      this help        -v, --version   print the version

Exit codes: 0 ok, 1 failed/refused, 2 usage error, 69 unavailable (store, port), 78 bad config.
See docs/ for installation, configuration, operation and troubleshooting.`;
