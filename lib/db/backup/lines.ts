import type { Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { createGunzip } from "node:zlib";

// The backup file's lines, decompressed, with bounds: a restore reads files from anywhere,
// and a crafted gzip expands about a thousandfold. Newlines are looked for only in each new
// chunk, and a line's pieces are joined once, when its end arrives: joining and rescanning
// the whole pending text at every chunk made one endless line cost quadratic time (and
// memory without end). UTF-8 never uses the byte 0x0a inside a character, so splitting the
// bytes there splits no character.

export type LineLimits = {
  /** The longest line (bytes): a row's values, e.g. the largest CRL as hex, fit well inside. */
  maxLineBytes: number;
  /** The most the whole file may decompress to (bytes). */
  maxTotalBytes: number;
};

export const BACKUP_LINE_LIMITS: LineLimits = { maxLineBytes: 64 * 1024 * 1024, maxTotalBytes: 64 * 1024 * 1024 * 1024 };

const size = (bytes: number) => (bytes >= 1024 ** 3 ? `${bytes / 1024 ** 3} GiB` : `${bytes / 1024 ** 2} MiB`);

/** Why a file is refused: a reason the caller words as "<file> is not an intact backup: <why>". */
export class LineError extends Error {}

/** Decompressed lines; the bytes after the first line go into `bodyHash`. */
export async function* gunzippedLines(file: string, bodyHash: Hash, limits: LineLimits = BACKUP_LINE_LIMITS): AsyncGenerator<string> {
  const input = createReadStream(file);
  const gunzip = createGunzip();
  input.on("error", (error) => gunzip.destroy(error));
  input.pipe(gunzip);
  const pieces: Buffer[] = [];
  let pieceBytes = 0;
  let total = 0;
  let lineNumber = 0;
  let isPastHeader = false;
  const keep = (piece: Buffer) => {
    pieceBytes += piece.length;
    if (pieceBytes > limits.maxLineBytes) throw new LineError(`line ${lineNumber + 1} is longer than ${size(limits.maxLineBytes)}`);
    pieces.push(piece);
  };
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > limits.maxTotalBytes) throw new LineError(`it decompresses to more than ${size(limits.maxTotalBytes)}`);
      if (isPastHeader) bodyHash.update(chunk);
      else {
        const headerEnd = chunk.indexOf(0x0a);
        isPastHeader = headerEnd >= 0;
        if (isPastHeader) bodyHash.update(chunk.subarray(headerEnd + 1));
      }
      let start = 0;
      for (let end = chunk.indexOf(0x0a); end >= 0; end = chunk.indexOf(0x0a, start)) {
        keep(chunk.subarray(start, end));
        lineNumber += 1;
        const line = (pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces, pieceBytes)).toString("utf8");
        pieces.length = 0;
        pieceBytes = 0;
        start = end + 1;
        yield line;
      }
      if (start < chunk.length) keep(chunk.subarray(start));
    }
  } catch (error) {
    if (error instanceof LineError) throw error;
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "there is no such file" : `it does not decompress (${error instanceof Error ? error.message : String(error)})`;
    throw new LineError(reason);
  } finally {
    input.destroy();
    gunzip.destroy();
  }
  if (pieceBytes > 0) throw new LineError("its last line is cut off");
}
