/** Which addresses may be sent to an internet reputation service (src/connectors/public-ip.ts). */
import assert from 'node:assert/strict';
import { isPublicIp } from '../../src/connectors/public-ip';

describe('public IP addresses', () => {
  it('keeps private, loopback, link-local, shared, multicast and reserved addresses inside', () => {
    for (const ip of ['10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '127.0.0.1', '169.254.169.254', '100.64.0.1', '100.127.255.255', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fd12:3456::1', 'fe80::1', 'ff02::1', '::ffff:10.0.0.1', '::10.0.0.1', '64:ff9b::10.0.0.1', '64:ff9b::a9fe:a9fe', '2002:a00:1::1', '2002:c0a8:101::1', '192.0.0.8']) {
      assert.equal(isPublicIp(ip), false, ip);
    }
  });

  it('lets internet addresses out, the documentation and benchmark ranges the samples use included', () => {
    for (const ip of ['8.8.8.8', '172.32.0.1', '100.128.0.1', '192.169.0.1', '203.0.113.66', '198.51.100.20', '198.18.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8', '64:ff9b::8.8.8.8', '2002:808:808::1']) {
      assert.equal(isPublicIp(ip), true, ip);
    }
  });

  it('is false for anything that is not an IP', () => {
    for (const ip of ['', 'example.com', '1.2.3.4; DROP', '999.1.1.1']) assert.equal(isPublicIp(ip), false, ip);
  });
});
