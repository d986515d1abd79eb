/** Reading an open file line by line by position (src/cli/file-lines.ts), as the backfill reads its alerts. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { linesOf } from '../../src/cli/file-lines';
import { tempDir } from '../helpers/sample-logs';

async function all(fd: number, chunkBytes?: number): Promise<string[]> {
  const out: string[] = [];
  for await (const line of linesOf(fd, chunkBytes)) out.push(line);
  return out;
}

describe('file lines', () => {
  const file = path.join(tempDir('file-lines'), 'lines.txt');
  // Two- and three-byte characters, CRLF, a lone CR, an empty line, no newline at the end.
  const text = 'ação\r\nb€c\rd\n\n{"é":"ü"}\nlast';
  const expected = ['ação', 'b€c', 'd', '', '{"é":"ü"}', 'last'];

  it('splits at \\n, \\r\\n and a lone \\r, keeps UTF-8 whole, and gives the last line without its newline', async () => {
    fs.writeFileSync(file, text);
    const fd = fs.openSync(file, 'r');
    try {
      // Every chunk size from 1 byte: characters and CRLFs split between two reads in every way.
      for (let size = 1; size <= Buffer.byteLength(text) + 1; size++) assert.deepEqual(await all(fd, size), expected, `chunks of ${size} bytes`);
      assert.deepEqual(await all(fd), expected);
    } finally {
      fs.closeSync(fd);
    }
  });

  it('leaves the descriptor open and reads from the start again after a reader stopped early', async () => {
    fs.writeFileSync(file, text);
    const fd = fs.openSync(file, 'r');
    try {
      for await (const line of linesOf(fd, 4)) {
        assert.equal(line, 'ação');
        break;
      }
      assert.doesNotThrow(() => fs.fstatSync(fd));
      assert.deepEqual(await all(fd), expected);
    } finally {
      fs.closeSync(fd);
    }
  });

  it('reads an 8 MB line in 4 KiB reads into the one line it is', async () => {
    const long = 'x'.repeat(8 * 1024 * 1024);
    fs.writeFileSync(file, `${long}\nend\n`);
    const fd = fs.openSync(file, 'r');
    try {
      const lines = await all(fd, 4096);
      assert.deepEqual([lines.length, lines[0]!.length, lines[1]], [2, long.length, 'end']);
    } finally {
      fs.closeSync(fd);
    }
  });
});
