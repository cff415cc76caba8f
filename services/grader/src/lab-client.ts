// The grader's own HTTP requests to the lab, beside the browser's: whether each origin answers at
// all, and who answered a request the browser kept from its page. They resolve names as Chromium is
// told to (GRADER_HOST_RESOLVER_RULES) and trust the same extra certificates (GRADER_TRUSTED_CA_FILE),
// so that both see the same lab. An answer is the lab's when it carries the lab's Server header.
import { createHash, X509Certificate } from "node:crypto";
import { lookup as dnsLookup } from "node:dns";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { rootCertificates } from "node:tls";
import { CONSOLE, type Explanation } from "../../shared/src/console-contract.ts";
import { answeredByLab } from "../../shared/src/http-server.ts";

export interface LabClientOptions {
  /** Chromium's --host-resolver-rules; the `MAP pattern host` rules are followed here too. */
  readonly hostResolverRules: string;
  /** PEM certificates to trust besides the system's (a test's port forwarder, say). */
  readonly trustedCertificates: string | undefined;
  readonly timeoutMs: number;
}

export type Answered =
  | { readonly status: number; readonly fromLab: boolean; readonly location: string | undefined }
  | { readonly error: string };

interface MapRule {
  readonly pattern: RegExp;
  readonly host: string;
}

/** The `MAP pattern replacement` rules of a --host-resolver-rules value; other rules are Chromium's alone. */
export function mapRules(rules: string): MapRule[] {
  return rules
    .split(",")
    .map((rule) => rule.trim().split(/\s+/))
    .filter(([verb, pattern, host]) => verb?.toUpperCase() === "MAP" && pattern && host)
    .map(([, pattern, host]) => ({
      pattern: new RegExp(
        `^${(pattern as string).replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`,
        "i",
      ),
      host: (host as string).replace(/:\d+$/, ""),
    }));
}

/** SHA-256 hashes of the certificates' public keys, base64, as --ignore-certificate-errors-spki-list takes them. */
export function spkiHashes(pem: string): string[] {
  const certificates = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return certificates.map((text) => {
    const spki = new X509Certificate(text).publicKey.export({ type: "spki", format: "der" });
    return createHash("sha256").update(spki).digest("base64");
  });
}

export class LabClient {
  readonly #rules: MapRule[];
  readonly #ca: string[] | undefined;
  readonly #timeoutMs: number;

  constructor(options: LabClientOptions) {
    this.#rules = mapRules(options.hostResolverRules);
    this.#ca = options.trustedCertificates ? [...rootCertificates, options.trustedCertificates] : undefined;
    this.#timeoutMs = options.timeoutMs;
  }

  /** One request, its answer read and dropped: its status, and whether the lab gave it. */
  ask(url: string, method = "GET", headers: Record<string, string> = {}): Promise<Answered> {
    const target = new URL(url);
    const client = target.protocol === "https:" ? https : http;
    return new Promise((resolve) => {
      const request = client.request(
        target,
        {
          method,
          headers,
          timeout: this.#timeoutMs,
          lookup: this.#lookup,
          ...(this.#ca && target.protocol === "https:" ? { ca: this.#ca } : {}),
        },
        (response) => {
          response.resume();
          resolve({
            status: response.statusCode ?? 0,
            fromLab: answeredByLab(response.headers),
            location: response.headers.location,
          });
        },
      );
      request.on("timeout", () =>
        request.destroy(Object.assign(new Error("no answer"), { code: "ETIMEDOUT" })),
      );
      request.on("error", (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
      request.end();
    });
  }

  /**
   * The app's own record of one of the console's requests (its /explain.json, asked at `target`),
   * for any page, the sandboxed one included (issue #22); undefined when it cannot be had.
   */
  explain(target: string, mark: string, credentials: boolean): Promise<Explanation | undefined> {
    const query = new URLSearchParams({
      [CONSOLE.requestParam]: mark,
      target,
      credentials: credentials ? "include" : "same-origin",
    });
    const url = new URL(`/explain.json?${query}`, target);
    const client = url.protocol === "https:" ? https : http;
    return new Promise((resolve) => {
      const request = client.request(
        url,
        {
          timeout: this.#timeoutMs,
          lookup: this.#lookup,
          ...(this.#ca && url.protocol === "https:" ? { ca: this.#ca } : {}),
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () => {
            if (response.statusCode !== 200 || !answeredByLab(response.headers)) return resolve(undefined);
            try {
              resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")) as Explanation);
            } catch {
              resolve(undefined);
            }
          });
          response.on("error", () => resolve(undefined));
        },
      );
      request.on("timeout", () => request.destroy(new Error("no answer")));
      request.on("error", () => resolve(undefined));
      request.end();
    });
  }

  /** Names resolve as Chromium's rules say: a mapped name is looked up as its replacement. */
  readonly #lookup: LookupFunction = (hostname, options, callback) => {
    const mapped = this.#rules.find((rule) => rule.pattern.test(hostname))?.host ?? hostname;
    dnsLookup(mapped, options, callback);
  };
}
