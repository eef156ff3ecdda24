#!/usr/bin/env bash
# tshark as a protocol validator for Diameter (and RADIUS/EAP) captures.
#
# Usage:  tshark-check.sh [-p DIAMETER_TCP_PORT]... [-r RADIUS_UDP_PORT]... [-q|-m] FILE.pcap[ng]
#   -p PORT  also decode TCP PORT as Diameter (3868 is decoded by default)
#   -r PORT  also decode UDP PORT as RADIUS (1812/1813 are decoded by default)
#   -q       only print the problems and the verdict
#   -m       machine-readable message lines for test/interop/lib/tshark.ts, '|'-separated:
#              DIAMETER|frame|time|src|dst|code|flags(RPET or -)|hbh|e2e|result|exp-result|app|session-id|eap-code|eap-id|eap-type|psk-flags
#              RADIUS|frame|time|src|dst|code|id|eap-code|eap-id|eap-type
#            then the problems and the verdict as in the default mode
# (Adapted from shared/interop/tshark-check.sh: -m added; RADIUS lines carry addresses; Wireshark's
# false "Trailing stray characters" on a binary EAP-Key-Name is not counted (see KEYNAME_OK); the
# Info column, which holds "|" for multi-message Diameter segments, is read last so it no longer
# shifts the expert group / malformed fields. Same checks otherwise.)
# Prints, per Diameter message: frame, time, src->dst, command (code + name),
# flags (R/P/E/T), hop-by-hop / end-to-end ids, Result-Code /
# Experimental-Result-Code, Session-Id, and the EAP code/id/type (+ EAP-PSK
# flags) carried in EAP-Payload; per RADIUS packet: code, id, EAP code/id/type. Then lists every packet that tshark marks malformed or that carries an
# expert item of severity >= warning (including the Diameter dissector's own
# checks: bad AVP lengths, unknown mandatory AVPs, answer without request...).
# Exit:  0 clean, 1 malformed/expert-warning packets found, 2 usage/tool error,
#        3 the file contains no Diameter and no RADIUS packets at all.
set -uo pipefail

usage() { sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
DECODE=()
DPORTS=(3868)
RPORTS=(1812 1813)
QUIET=0 MACHINE=0
while getopts "p:r:qmh" o; do
  case $o in
    p) DECODE+=(-d "tcp.port==$OPTARG,diameter"); DPORTS+=("$OPTARG") ;;
    r) DECODE+=(-d "udp.port==$OPTARG,radius"); RPORTS+=("$OPTARG") ;;
    q) QUIET=1 ;;
    m) MACHINE=1 ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[[ $# == 1 ]] || usage
F=$1
[[ -r "$F" ]] || { echo "cannot read $F" >&2; exit 2; }
command -v tshark >/dev/null || { echo "missing: tshark (apt-get install tshark)" >&2; exit 2; }

ERRF=$(mktemp -t tshark-check.XXXXXX)
trap 'rm -f "$ERRF"' EXIT
# run tshark; on failure remember why (checked below: a failed tshark must not read as "clean")
T() {
  local rc
  tshark -n -r "$F" "${DECODE[@]}" "$@" 2>"$ERRF.cur"; rc=$?
  if ((rc)); then grep -v '^Running as user' "$ERRF.cur" >>"$ERRF"; echo "(tshark exit $rc)" >>"$ERRF"; fi
  rm -f "$ERRF.cur"
}

# Two passes are needed for the "answer in/request in" links (-2).
DIAM=$(T -2 -Y diameter -T fields -E separator='|' -E occurrence=a -E aggregator=',' \
  -e frame.number -e frame.time_relative -e ip.src -e ipv6.src -e tcp.srcport -e ip.dst -e ipv6.dst -e tcp.dstport \
  -e diameter.cmd.code -e diameter.flags.request -e diameter.flags.proxyable -e diameter.flags.error \
  -e diameter.flags.T -e diameter.hopbyhopid -e diameter.endtoendid -e diameter.Result-Code \
  -e diameter.Experimental-Result-Code -e diameter.Session-Id -e diameter.applicationId \
  -e eap.code -e eap.id -e eap.type -e eap.psk.flags)
RAD=$(T -Y radius -T fields -E separator='|' -E occurrence=f \
  -e frame.number -e frame.time_relative -e radius.code -e radius.id -e eap.code -e eap.id -e eap.type \
  -e ip.src -e ipv6.src -e udp.srcport -e ip.dst -e ipv6.dst -e udp.dstport)

if [[ $MACHINE == 1 ]]; then
  # One line per Diameter message (a TCP segment may carry several: fields hold comma lists).
  [[ -n "$DIAM" ]] && awk -F'|' '
    function pick(s, i,   a, n) { n = split(s, a, ","); return (i <= n) ? a[i] : "" }
    function on(v) { return v == "1" || v == "True" }
    {
      src = ($3 != "" ? $3 : $4) ":" $5; dst = ($6 != "" ? $6 : $7) ":" $8
      nm = split($9, codes, ",")
      for (i = 1; i <= nm; i++) {
        fl = (on(pick($10, i)) ? "R" : "-") (on(pick($11, i)) ? "P" : "-") (on(pick($12, i)) ? "E" : "-") (on(pick($13, i)) ? "T" : "-")
        eap = (nm == 1) ? $20 "|" $21 "|" $22 "|" $23 : "|||"
        printf "DIAMETER|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s\n", $1, $2, src, dst, codes[i], fl, pick($14, i), pick($15, i), pick($16, i), pick($17, i), pick($19, i), pick($18, i), eap
      }
    }' <<<"$DIAM"
  [[ -n "$RAD" ]] && awk -F'|' '{ printf "RADIUS|%s|%s|%s:%s|%s:%s|%s|%s|%s|%s|%s\n", $1, $2, ($8 != "" ? $8 : $9), $10, ($11 != "" ? $11 : $12), $13, $3, $4, $5, $6, $7 }' <<<"$RAD"
elif [[ $QUIET == 0 ]]; then
  if [[ -n "$DIAM" ]]; then
    echo "== Diameter messages (cmd: R=request P=proxyable E=error T=retransmit)"
    printf '%-5s %-9s %-34s %-9s %-4s %-10s %-10s %-9s %s\n' frame time "src -> dst" command flags hbh e2e result extra
    # A TCP segment can carry several Diameter messages: fields then hold a
    # comma-separated list per message; print one line per message.
    awk -F'|' '
      function pick(s, i,   a, n) { n = split(s, a, ","); return (i <= n) ? a[i] : "" }
      BEGIN { split("257:CE 280:DW 282:DP 268:DE 265:AA 271:AC 274:AS 275:ST 258:RA", cm, " ")
              for (k in cm) { split(cm[k], kv, ":"); cname[kv[1]] = kv[2] } }
      {
        src = ($3 != "" ? $3 : $4) ":" $5; dst = ($6 != "" ? $6 : $7) ":" $8
        nm = split($9, codes, ",")
        for (i = 1; i <= nm; i++) {
          r = pick($10, i); p = pick($11, i); e = pick($12, i); t = pick($13, i)
          fl = (r == "1" || r == "True" ? "R" : "-") (p == "1" || p == "True" ? "P" : "-") (e == "1" || e == "True" ? "E" : "-") (t == "1" || t == "True" ? "T" : "-")
          res = pick($16, i); if (res == "" && pick($17, i) != "") res = "exp:" pick($17, i)
          if (res == "") res = "-"
          sid = pick($18, i); ex = "app=" pick($19, i) (sid != "" ? " sid=" sid : "")
          # EAP-Payload content (Wireshark dissects EAP, incl. EAP-PSK, inside AVP 462);
          # only shown when the segment holds a single message (fields would misalign otherwise)
          if (nm == 1 && $20 != "") ex = ex " eap=" $20 "/id" $21 "/type" $22 ($23 != "" ? "/psk-flags" $23 : "")
          c = codes[i]; nmx = (c in cname) ? cname[c] ((r == "1" || r == "True") ? "R" : "A") : "?"
          printf "%-5s %-9.6f %-34s %-9s %-4s %-10s %-10s %-9s %s\n", $1, $2, src " -> " dst, c "(" nmx ")", fl, pick($14, i), pick($15, i), res, ex
        }
      }' <<<"$DIAM"
  fi
  if [[ -n "$RAD" ]]; then
    echo "== RADIUS packets"
    printf '%-5s %-9s %-6s %-4s %-8s %-4s %s\n' frame time code id eap.code eapid eap.type
    awk -F'|' '{ printf "%-5s %-9.6f %-6s %-4s %-8s %-4s %s\n", $1, $2, $3, $4, $5, $6, $7 }' <<<"$RAD"
  fi
fi

if [[ -s "$ERRF" ]]; then
  echo "tshark failed:"; cat "$ERRF"; exit 2
fi
if [[ -z "$DIAM" && -z "$RAD" ]]; then
  echo "no Diameter or RADIUS packets decoded in $F (wrong port? use -p/-r)"
  exit 3
fi

echo "== malformed / expert (severity >= warning) / undecodable packets"
# TCP's own sequence analysis (D-SACK, retransmission, previous segment not captured:
# expert group "Sequence", 0x02000000) speaks of the capture and the stack, not of what
# Diameter or RADIUS put on the wire: those items are dropped; any other item stays.
# Wireshark 4.0 types EAP-Key-Name (RADIUS attribute 102, Diameter AVP 102) as text, but it is an
# OctetString (RFC 4072 §4.1.4): a binary EAP-PSK Session-Id (0x2f || RAND_P || RAND_S, RFC 4764
# §6.1) holds a 0 byte in about 1 run in 8, and Wireshark then flags "Trailing stray characters"
# (warning) on that field. Exactly those items (the expert item's parent field is EAP-Key-Name) are
# counted per frame here and dropped below; the same message on any other field still fails.
KEYNAME_OK=$(T -Y '_ws.string.trailing_stray_characters' -T pdml | awk '
  /<field name="num" / && frame == "" { if (match($0, /show="[0-9]+"/)) frame = substr($0, RSTART + 6, RLENGTH - 7) }
  /<packet>/ { frame = ""; depth = 0 }
  /<field / { if (match($0, /name="[^"]*"/)) name = substr($0, RSTART + 6, RLENGTH - 7); else name = ""
              if (name == "_ws.string.trailing_stray_characters" && depth >= 2 &&
                  (stack[depth - 1] == "diameter.EAP-Key-Name" || stack[depth - 1] == "radius.EAP_Key_Name")) ok[frame]++
              if ($0 !~ /\/>[[:space:]]*$/) stack[++depth] = name }
  /<\/field>/ { depth-- }
  END { for (f in ok) printf "%s:%d ", f, ok[f] }')
# RFC 4072 §3.1 / §4.1.4: a NAS asks for the EAP-Key-Name by sending the AVP with an EMPTY value;
# Wireshark flags every empty AVP "Data is empty" (warning). Exactly those items on AVP 102 are
# counted per frame here and dropped below; an empty value on any other AVP still fails.
EMPTY_KEYNAME_OK=$(T -Y 'diameter.avp.no_data' -T pdml | awk '
  /<field name="num" / && frame == "" { if (match($0, /show="[0-9]+"/)) frame = substr($0, RSTART + 6, RLENGTH - 7) }
  /<packet>/ { frame = ""; code = "" }
  /<field name="diameter.avp.code" / { if (match($0, /show="[0-9]+"/)) code = substr($0, RSTART + 6, RLENGTH - 7) }
  /<field name="diameter.avp.no_data" / { if (code == "102") ok[frame]++ }
  END { for (f in ok) printf "%s:%d ", f, ok[f] }')
# Expert items one by one, from PDML: when one TCP segment carries several Diameter messages,
# `-T fields` joins the items of the different messages with a plain space (not the aggregator),
# so severities and messages could not be told apart. Lines: frame|severity|group|message.
ITEMS=$(T -Y '_ws.malformed || _ws.expert.severity >= warning' -T pdml | awk '
  /<packet>/ { frame = "" }
  /<field name="num" / && frame == "" { if (match($0, /show="[0-9]+"/)) frame = substr($0, RSTART + 6, RLENGTH - 7) }
  /<field name="_ws.expert.message"/ { msg = ""; if (match($0, /show="[^"]*"/)) msg = substr($0, RSTART + 6, RLENGTH - 7) }
  /<field name="_ws.expert.severity"/ { sev = 0; if (match($0, /show="[0-9]+"/)) sev = substr($0, RSTART + 6, RLENGTH - 7) }
  /<field name="_ws.expert.group"/ { grp = 0; if (match($0, /show="[0-9]+"/)) grp = substr($0, RSTART + 6, RLENGTH - 7)
                                     printf "%s|%s|%s|%s\n", frame, sev, grp, msg }
  /<field name="_ws.malformed"/ { printf "%s|8388608|0|malformed\n", frame }')
# Protocol and Info columns of the same frames (Info comes last: it holds "|" between messages).
COLS=$(T -Y '_ws.malformed || _ws.expert.severity >= warning' -T fields -E separator='|' \
  -e frame.number -e _ws.col.Protocol -e _ws.col.Info)
BAD=$(awk -F'|' -v keyname_ok="$KEYNAME_OK" -v empty_ok="$EMPTY_KEYNAME_OK" -v cols="$COLS" '
  BEGIN { n = split(keyname_ok, kv, " "); for (i = 1; i <= n; i++) { split(kv[i], p, ":"); exempt[p[1]] = p[2] }
          n = split(empty_ok, kv, " "); for (i = 1; i <= n; i++) { split(kv[i], p, ":"); empty[p[1]] = p[2] }
          n = split(cols, lines, "\n")
          for (i = 1; i <= n; i++) { f = lines[i]; sub(/\|.*/, "", f); rest = lines[i]; sub(/^[^|]*\|/, "", rest)
            proto[f] = rest; sub(/\|.*/, "", proto[f]); info[f] = rest; sub(/^[^|]*\|/, "", info[f]); gsub(/\|/, "/", info[f]) } }
  { if ($4 == "Trailing stray characters" && exempt[$1] > 0) { exempt[$1]--; next }
    if ($4 == "Data is empty" && empty[$1] > 0) { empty[$1]--; next }
    # TCP sequence analysis (group 0x02000000) speaks of the capture, not of the protocol: dropped.
    if ($3 == 33554432 || $2 < 6291456) next
    if (!($1 in sv)) order[++nf] = $1
    sv[$1] = sv[$1] (sv[$1] == "" ? "" : " ; ") $2; ms[$1] = ms[$1] (ms[$1] == "" ? "" : " ; ") $4 }
  END { for (i = 1; i <= nf; i++) { f = order[i]; printf "%s|%s|%s|%s|%s\n", f, proto[f], sv[f], ms[f], info[f] } }' <<<"$ITEMS" | sort -t'|' -k1,1n)
# Wireshark's Diameter dissector silently refuses some broken headers (e.g. R and
# E bits both set, bad version): those show up as plain "Data". Flag any payload
# on a Diameter/RADIUS port that did not decode (TCP segments that are part of
# a reassembled PDU are fine).
DP=$(IFS=,; echo "${DPORTS[*]}") RP=$(IFS=,; echo "${RPORTS[*]}")
UNDEC=$(T -Y "(tcp.port in {$DP} && tcp.len > 0 && !diameter && !tcp.reassembled_in) || (udp.port in {$RP} && !radius)" \
  -T fields -E separator='|' -e frame.number -e _ws.col.Protocol -e _ws.col.Info | awk -F'|' '{ info = $0; sub(/^[^|]*\|[^|]*\|/, "", info); gsub(/\|/, "/", info)
    printf "%s|%s|undecodable|payload on a Diameter/RADIUS port did not decode as Diameter/RADIUS|%s\n", $1, $2, info }')
if [[ -s "$ERRF" ]]; then echo "tshark failed:"; cat "$ERRF"; exit 2; fi
[[ -n "$UNDEC" ]] && BAD=$(printf '%s\n%s\n' "$BAD" "$UNDEC" | grep -v '^$' | sort -t'|' -k1,1n -u)
if [[ -z "$BAD" ]]; then
  echo "none"
  echo "tshark-check: OK ($(wc -l <<<"$DIAM" | awk -v d="$DIAM" '{print (d == "" ? 0 : $1)}') Diameter frames, $(wc -l <<<"$RAD" | awk -v r="$RAD" '{print (r == "" ? 0 : $1)}') RADIUS frames)"
  exit 0
fi
# severity numbers: 0x00200000 chat, 0x00400000 note, 0x00600000 warning, 0x00800000 error
awk -F'|' 'BEGIN { sv[2097152] = "chat"; sv[4194304] = "note"; sv[6291456] = "warning"; sv[8388608] = "error" }
  { n = split($3, a, " ; "); s = ""; for (i = 1; i <= n; i++) s = s (i > 1 ? "," : "") ((a[i] in sv) ? sv[a[i]] : a[i])
    printf "frame %s [%s] %s: %s  (%s)\n", $1, $2, s, $4, $5 }' <<<"$BAD"
echo "tshark-check: FAIL ($(wc -l <<<"$BAD") flagged frames)"
exit 1
