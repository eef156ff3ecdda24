{
  "targets": [
    {
      "target_name": "sctp_kernel",
      "sources": ["src/sctp_kernel.c", "src/napi_util.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"],
      "defines": ["NAPI_VERSION=8"]
    },
    {
      "target_name": "aes128",
      "sources": ["src/aes128.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"],
      "defines": ["NAPI_VERSION=8"]
    },
    {
      "target_name": "radius_md5",
      "sources": ["src/radius_md5.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"],
      "defines": ["NAPI_VERSION=8"]
    },
    {
      "target_name": "udp_batch",
      "sources": ["src/udp_batch.c", "src/napi_util.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"],
      "defines": ["NAPI_VERSION=8"]
    },
    {
      "target_name": "raw_ip",
      "sources": ["src/raw_ip.c", "src/napi_util.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
