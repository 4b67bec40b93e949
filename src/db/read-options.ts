// How Database.queryRows hands rows over (src/db/database.ts).

export interface ReadOptions {
  /**
   * A text column (JSON built by the statement) each row holds as its UTF-8 bytes instead of a
   * string, where the connection can hand them over so: SQLite's reader thread writes the rows'
   * texts into one buffer and transfers it (db/sqlite-reader.ts), so that an answer made of them
   * is written out as bytes with no string made of the records on the main thread
   * (pages/answer.ts). PostgreSQL's rows hold the text as a string: node-postgres reads every
   * field of a row as UTF-8 text, in its binary format too, which would mangle a binary integer.
   */
  bytes?: string;
}
