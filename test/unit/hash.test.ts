// hashFile and hashDir give lamindb's hash and hashType for the same bytes. The expected
// values are computed here independently, on the whole content in memory, following lamindb's
// documented algorithm (lamindb_setup.core.hashing), plus the vectors of lamindb's own tests.
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { CHUNK_SIZE, hashDir, hashFile, hashPath } from "../../src/client/hash.ts";

const dir = mkdtempSync(path.join(tmpdir(), "lr-hash-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function write(content: Buffer | string, name = `f${files++}`) {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}

const b64 = (digest: Buffer) => digest.toString("base64url").slice(0, 22);
const md5 = (data: Buffer | string) => createHash("md5").update(data).digest();
const sha1 = (data: Buffer) => createHash("sha1").update(data).digest();

function expected(content: Buffer, chunkSize = CHUNK_SIZE) {
  if (content.length <= chunkSize) return { hash: b64(md5(content)), hashType: "md5", size: content.length };
  const first = content.subarray(0, chunkSize);
  const last = content.subarray(content.length - chunkSize);
  return { hash: b64(sha1(Buffer.concat([sha1(first), sha1(last)]))), hashType: "sha1-fl", size: content.length };
}

describe("hashFile", () => {
  it("matches the vectors of lamindb's own tests", async () => {
    expect(await hashFile(write("a"))).toEqual({ hash: "DMF1ucDxtqgxw5niaXcmYQ", hashType: "md5", size: 1 });
    expect(await hashFile(write("b"))).toEqual({ hash: "kutf_uauL-w61xx3dTFXjw", hashType: "md5", size: 1 });
    expect(await hashFile(write("abc"))).toEqual({ hash: "kAFQmDzST7DWlj99KOF_cg", hashType: "md5", size: 3 });
    expect(await hashFile(write("a"), { chunkSize: 1 })).toEqual({ hash: "DMF1ucDxtqgxw5niaXcmYQ", hashType: "md5", size: 1 });
    expect(await hashFile(write("abc"), { chunkSize: 1 })).toEqual({ hash: "p0EbDbQEP1wS-Tw6TuBjKS", hashType: "sha1-fl", size: 3 });
  });

  it("hashes an empty file as the MD5 of nothing", async () => {
    const result = await hashFile(write(""));
    expect(result).toEqual({ hash: b64(md5("")), hashType: "md5", size: 0 });
    expect(result.hash).toBe("1B2M2Y8AsgTpgAmY7PhCfg");
    expect(result.hash).toHaveLength(22);
  });

  it("switches from md5 to sha1-fl just above the chunk size (small chunks)", async () => {
    const chunkSize = 1024;
    for (const size of [1, 1023, 1024, 1025, 2047, 2048, 2049, 5000]) {
      const content = randomBytes(size);
      expect(await hashFile(write(content), { chunkSize }), `size ${size}`).toEqual(expected(content, chunkSize));
    }
  });

  it("uses lamindb's 50 MiB chunk: md5 at exactly 50 MiB, sha1-fl one byte above", async () => {
    const content = randomBytes(CHUNK_SIZE + 1);
    const atChunk = content.subarray(0, CHUNK_SIZE);
    const small = await hashFile(write(atChunk));
    expect(small).toEqual(expected(atChunk));
    expect(small.hashType).toBe("md5");
    const large = await hashFile(write(content));
    expect(large).toEqual(expected(content));
    expect(large.hashType).toBe("sha1-fl");
  });

  it("draws a progress bar on stderr when asked (by default only on a terminal above ~100 MB)", async () => {
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => written.push(String(chunk)) > 0);
    try {
      const content = randomBytes(3 * 1024 * 1024);
      await hashFile(write(content), { progress: true });
      expect(written.join("")).toMatch(/^\rhashing f\d+ \[#* *\] \d+%[\s\S]*\[#{30}\] 100%\n$/);
      written.length = 0;
      await hashFile(write(content));
      expect(written).toEqual([]);
    } finally {
      spy.mockRestore();
    }
  });

  it("refuses a folder", async () => {
    await expect(hashFile(dir)).rejects.toThrow(/not a file/);
  });
});

describe("hashDir", () => {
  it("hashes a folder over its files' sorted hashes, with the number of files and their size", async () => {
    const contents = { "a.txt": "alpha", "sub/b.csv": "x,y\n1,2\n", "sub/deeper/c.bin": randomBytes(3000), z: "" };
    const folder = path.join(dir, "folder");
    for (const [name, content] of Object.entries(contents)) write(content, path.join("folder", name));
    const fileHashes = Object.values(contents).map((content) => b64(md5(Buffer.from(content))));
    const digest = md5(Buffer.concat(fileHashes.sort().map((hash) => md5(hash))));
    const size = Object.values(contents).reduce((sum, c) => sum + Buffer.byteLength(c), 0);
    const result = await hashDir(folder);
    expect(result).toEqual({ hash: b64(digest), hashType: "md5-d", size, nObjects: 4 });
    expect(await hashPath(folder)).toEqual(result);
  });

  it("uses each member's own hash type, and its hash does not depend on file names", async () => {
    const big = randomBytes(2500);
    write(big, "named/one");
    write("tiny", "named/two");
    write(big, "renamed/x/1");
    write("tiny", "renamed/2");
    const members = [expected(big, 1024).hash, b64(md5("tiny"))];
    const digest = md5(Buffer.concat(members.sort().map((hash) => md5(hash))));
    const named = await hashDir(path.join(dir, "named"), { chunkSize: 1024 });
    expect(named.hash).toBe(b64(digest));
    expect((await hashDir(path.join(dir, "renamed"), { chunkSize: 1024 })).hash).toBe(named.hash);
  });

  it("follows links to files, and refuses an empty folder", async () => {
    write("target", "linked/real");
    symlinkSync(path.join(dir, "linked/real"), path.join(dir, "linked/alias"));
    expect((await hashDir(path.join(dir, "linked"))).nObjects).toBe(2);
    mkdirSync(path.join(dir, "empty"));
    await expect(hashDir(path.join(dir, "empty"))).rejects.toThrow(/no files/);
  });
});
