/**
 * Ids a careless gateway would turn into a different URL or a different
 * account (RELIABILITY.md I1): every one must be refused before any call.
 */
export const BAD_IDS = [
  '',
  ' 12',
  '12\n',
  '..',
  '.',
  '%2e%2e',
  '1/../2',
  '1%2F2',
  '1?x=1',
  '1#x',
  '0x1F',
  '1e3',
  '-5',
  '+5',
  '１２３',
  '١٢٣',
  '1'.repeat(33),
  '12\u0000',
  '12\r\nHost: evil',
  'http://127.0.0.1:1/',
  '\uD800',
];
