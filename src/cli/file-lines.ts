/**
 * The lines of an open file, read from its start by position. The descriptor stays open for the next
 * reader and its owner closes it: a reader stopped early holds nothing (a stream on the descriptor would
 * close it when destroyed). `\n`, `\r\n` and a lone `\r` end a line, as readline has it; the text is UTF-8,
 * a character split between two reads included.
 */
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { promisify } from 'node:util';

const readAt = promisify(fs.read);

const CHUNK_BYTES = 64 * 1024;

export async function* linesOf(fd: number, chunkBytes = CHUNK_BYTES): AsyncGenerator<string> {
  const chunk = Buffer.alloc(chunkBytes);
  const decoder = new StringDecoder('utf8');
  let position = 0;
  // The pieces of the line being read: a long line costs its length, not its length times its chunks.
  let pieces: string[] = [];
  // A `\r` that ended the last read: a `\n` at the start of the next one belongs to it.
  let afterCr = false;
  const emit = (text: string, from: number, to: number) => {
    pieces.push(text.slice(from, to));
    const line = pieces.join('');
    pieces = [];
    return line;
  };
  for (;;) {
    const { bytesRead } = await readAt(fd, chunk, 0, chunk.length, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    const text = decoder.write(chunk.subarray(0, bytesRead));
    let start = 0;
    if (afterCr && text.startsWith('\n')) start = 1;
    afterCr = false;
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      yield emit(text, start, i);
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      else if (c === 13 && i === text.length - 1) afterCr = true;
      start = i + 1;
    }
    pieces.push(text.slice(start));
  }
  const last = pieces.join('') + decoder.end();
  if (last) yield last;
}
