/** One JSON request to a running agent's HTTP API, as the integration tests make them. */
export interface AgentResponse { status: number; json: any }

/**
 * Sends `method path` to `url` with `Authorization: Bearer <token>` (none when token is null); a
 * string body is sent as is (to test malformed JSON), anything else as JSON. Bounded by `timeoutMs`.
 */
export async function agentRequest(
  url: string, token: string | null, method: string, path: string, body?: unknown, timeoutMs = 30_000,
): Promise<AgentResponse> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { ...(token !== null && { authorization: `Bearer ${token}` }), 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}
