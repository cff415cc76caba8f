// What a page does to measure one of the guide's claims about browsers (issue #20): it makes a
// request with fetch(), and reads what became of it: what the page could see of the
// answer, and how the request arrived, from the app's own record of it (/requests.json, read from
// the page's own origin: one app answers every origin, so it holds every request). Passed to the
// browser as source text: the function uses nothing from outside itself.

// Compiled without the DOM library (tsconfig.json): the shapes used here, declared narrowly.
declare const location: { readonly href: string };

/** One request a page makes, marked so that the app's record of it can be found. */
export interface Attempt {
  readonly url: string;
  /** Unique to this attempt: the query parameter `claim` carries it. */
  readonly mark: string;
  readonly init?: {
    readonly method?: string;
    readonly mode?: "cors" | "no-cors";
    readonly credentials?: "omit" | "same-origin" | "include";
    readonly headers?: Readonly<Record<string, string>>;
    readonly body?: string;
  };
  /** How many records the request makes (a preflight and its request: 2), to wait for. */
  readonly records?: number;
  readonly timeoutMs: number;
}

/** What the page saw, and how the request arrived. */
export interface Attempted {
  /** `allowed` (the page could read it), `blocked` (fetch rejected), or an opaque answer. */
  readonly seen: "allowed" | "blocked" | "opaque";
  readonly status: number | null;
  /** Set-Cookie as the page could read it from the answer (always null, say the standards). */
  readonly setCookie: string | null;
  /** The app's records of the request, oldest first: its method and header lines as received. */
  readonly records: readonly {
    readonly method: string;
    readonly lines: readonly (readonly [string, string])[];
  }[];
}

export async function attempt(what: Attempt): Promise<Attempted> {
  const url = new URL(what.url);
  url.searchParams.set("claim", what.mark);
  let seen: Attempted["seen"] = "blocked";
  let status: number | null = null;
  let setCookie: string | null = null;
  try {
    const response = await fetch(url.href, {
      ...what.init,
      signal: AbortSignal.timeout(what.timeoutMs / 2),
    } as RequestInit);
    seen = response.type === "opaque" ? "opaque" : "allowed";
    status = response.status;
    setCookie = response.headers.get("set-cookie");
    await response.arrayBuffer().catch(() => undefined);
  } catch {
    seen = "blocked";
  }
  // The record is written as the answer goes out; a look or two more covers a busy machine. Half
  // the time allowed at most, so that a request that never arrived is told, not timed out.
  const wanted = what.records ?? 1;
  const started = Date.now();
  let records: Attempted["records"] = [];
  for (;;) {
    const log = (await (await fetch("/requests.json", { cache: "no-store" })).json()) as {
      entries: { method: string; path: string; received: [string, string][] }[];
    };
    records = log.entries
      .filter((entry) => new URL(entry.path, location.href).searchParams.get("claim") === what.mark)
      .reverse()
      .map((entry) => ({ method: entry.method, lines: entry.received }));
    if (records.length >= wanted || Date.now() - started > what.timeoutMs / 2) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { seen, status, setCookie, records };
}
