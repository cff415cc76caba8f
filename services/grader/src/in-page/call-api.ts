// Runs in a page: one request to the student's API (issue #25), as their front end would make it.
// What the page could see: the answer's status, an opaque answer, or the error fetch() threw (a
// TypeError for a CORS block or a network failure, a TimeoutError for an API that never answered).
// Passed to the browser as source text: the function uses nothing from outside itself.

export interface ApiCall {
  readonly url: string;
  readonly init: {
    readonly method: string;
    readonly credentials: "same-origin" | "include";
    readonly headers: Readonly<Record<string, string>>;
    readonly body?: string;
  };
  readonly timeoutMs: number;
}

export type ApiCalled =
  | { readonly seen: "allowed"; readonly status: number }
  | { readonly seen: "blocked"; readonly error: string; readonly timedOut: boolean };

export async function callApi(call: ApiCall): Promise<ApiCalled> {
  try {
    // The answer's headers are enough: an endless body is never read.
    const response = await fetch(call.url, {
      ...call.init,
      signal: AbortSignal.timeout(call.timeoutMs),
    } as RequestInit);
    response.body?.cancel().catch(() => undefined);
    return { seen: "allowed", status: response.status };
  } catch (error) {
    const named = error as { name?: string; message?: string };
    return {
      seen: "blocked",
      error: `${named.name ?? "Error"}: ${named.message ?? String(error)}`,
      timedOut: named.name === "TimeoutError",
    };
  }
}
