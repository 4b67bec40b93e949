// A request refused before GraphQL sees it: a GraphQL-style JSON error with a stable code,
// marked so that the other gatekeeping plugins leave the first refusal in place.
const refusals = new WeakSet<Response>();

export function refusal(fetchAPI: { Response: typeof Response }, status: number, code: string, message: string): Response {
  const response = fetchAPI.Response.json({ errors: [{ message, extensions: { code } }] }, { status, headers: { "cache-control": "no-store" } });
  refusals.add(response);
  return response;
}

export const isRefusal = (response: Response) => refusals.has(response);
