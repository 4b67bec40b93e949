// Request bodies within the configured cap (LIMIT_MAX_BODY_BYTES): counted as they arrive,
// whatever Content-Length says, and refused with one answer wherever the cap is met.

/** The bytes of a body stream, or null as soon as they pass maxBytes (the stream is then cancelled). */
export async function readWithin(body: ReadableStream<Uint8Array>, maxBytes: number, options: { keep?: boolean } = {}): Promise<Buffer | null> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks);
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return null;
    }
    if (options.keep ?? true) chunks.push(value);
  }
}

/** 413 LIMIT_EXCEEDED; `size` says what was seen, when it is known. */
export function bodyTooLarge(fetchAPI: { Response: typeof Response }, maxBytes: number, size?: string): Response {
  return fetchAPI.Response.json(
    {
      errors: [
        {
          message: `request body limit of ${maxBytes} bytes exceeded${size ? ` (${size})` : ""}`,
          extensions: { code: "LIMIT_EXCEEDED", limit: "maxBodyBytes", max: maxBytes },
        },
      ],
    },
    { status: 413, headers: { "cache-control": "no-store" } },
  );
}
