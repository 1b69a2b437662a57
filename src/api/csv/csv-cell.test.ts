import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvCell, csvRow } from './csv-cell.ts';

test('plain values stay as they are; empty for null', () => {
  assert.equal(csvCell('Payroll sync'), 'Payroll sync');
  assert.equal(csvCell(42), '42');
  assert.equal(csvCell(true), 'true');
  assert.equal(csvCell(null), '');
  assert.equal(csvCell(undefined), '');
});

test('quotes, commas and line breaks are quoted with quotes doubled (RFC 4180)', () => {
  assert.equal(csvCell('Contoso, Ltd'), '"Contoso, Ltd"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell('two\nlines'), '"two\nlines"');
  assert.equal(csvCell('crlf\r\nend'), '"crlf\r\nend"');
});

test('cells a spreadsheet would run as formulas get a leading quote', () => {
  assert.equal(
    csvCell('=HYPERLINK("https://evil.example","click")'),
    `"'=HYPERLINK(""https://evil.example"",""click"")"`,
  );
  assert.equal(csvCell('+1+1'), "'+1+1");
  assert.equal(csvCell('-2+3'), "'-2+3");
  assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
  assert.equal(csvCell('\t=1'), "'\t=1");
  assert.equal(csvCell('\r=1'), `"'\r=1"`);
  // Only the start matters: a dash inside a name is harmless.
  assert.equal(csvCell('build-agent'), 'build-agent');
  assert.equal(csvCell('a=b'), 'a=b');
});

test('lists join with semicolons; a row ends with CRLF', () => {
  assert.equal(csvCell(['a', 'b']), 'a; b');
  assert.equal(csvRow(['x', null, '=1', 'y,z']), `x,,'=1,"y,z"\r\n`);
});
