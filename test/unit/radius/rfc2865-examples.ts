// RFC 2865 §7.1 "User Telnet to Specified Host": shared secret "xyzzy5461".

export const RFC2865_7_1_SECRET = Buffer.from('xyzzy5461');

export const RFC2865_7_1_REQUEST = Buffer.from(
  '01000038' + // Code 1, Identifier 0, Length 56
    '0f403f9473978057bd83d5cb98f4227a' + // Request Authenticator
    '01066e656d6f' + // User-Name "nemo"
    '02120dbe708d93d413ce3196e43f782a0aee' + // User-Password (hidden)
    '0406c0a80110' + // NAS-IP-Address 192.168.1.16
    '050600000003', // NAS-Port 3
  'hex',
);

export const RFC2865_7_1_ACCEPT = Buffer.from(
  '02000026' + // Code 2, Identifier 0, Length 38
    '86fe220e7624ba2a1005f6bf9b55e0b2' + // Response Authenticator
    '0606' +
    '00000001' + // Service-Type Login
    '0f06' +
    '00000000' + // Login-Service Telnet
    '0e06' +
    'c0a80103', // Login-IP-Host 192.168.1.3
  'hex',
);
