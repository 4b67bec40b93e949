// A JSON text kept as the pieces it is written from: text, and records' JSON as the UTF-8 bytes
// the database hands over (db/read-options.ts). An answer made of them is written out
// as bytes, without a string made of the records (pages/answer.ts); read as text only when
// something parses it.
import { Buffer } from "node:buffer";

/** A piece of JSON: text, or its UTF-8 bytes. */
export type JsonPiece = string | Uint8Array;

const decoder = new TextDecoder();

export class JsonParts {
  private readonly pieces: JsonPiece[] = [];

  /** Appends a piece; text next to text is kept as one string. */
  add(piece: JsonPiece): this {
    const last = this.pieces.length - 1;
    if (typeof piece === "string" && typeof this.pieces[last] === "string") this.pieces[last] += piece;
    else this.pieces.push(piece);
    return this;
  }

  /** Appends every piece of another. */
  addAll(other: JsonParts): this {
    for (const piece of other.pieces) this.add(piece);
    return this;
  }

  /** Whether a piece is bytes: then the whole is best written as bytes. */
  get hasBytes(): boolean {
    return this.pieces.some((piece) => typeof piece !== "string");
  }

  /** The JSON as a string. */
  text(): string {
    return this.pieces.map((piece) => (typeof piece === "string" ? piece : decoder.decode(piece))).join("");
  }

  /** The JSON as UTF-8 bytes, in one buffer. */
  toBuffer(): Buffer {
    return Buffer.concat(this.pieces.map((piece) => (typeof piece === "string" ? Buffer.from(piece) : piece)));
  }
}
