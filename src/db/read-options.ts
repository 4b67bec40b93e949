// How Database.queryRows hands rows over (src/db/database.ts).

export interface ReadOptions {
  /**
   * A text column (JSON built by the statement) each row holds as its UTF-8 bytes instead of a
   * string: SQLite's reader thread writes the rows' texts into one buffer and hands it over
   * without a copy (db/sqlite-reader.ts), PostgreSQL sends the rows in its binary format, in
   * which a text is its bytes (db/postgres.ts). An answer made of them is written out as bytes,
   * with no string made of the records on the main thread (pages/answer.ts).
   */
  bytes?: string;
}
