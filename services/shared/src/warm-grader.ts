// What the warm grader (services/grader/src/warm.ts) and those who ask it share (issue #11): the
// request, the answer, and a check's result as the command line shows it, cell by cell, so that the
// app's Check button shows the very same verdicts, reasons and hints without knowing how they are made.
import http from "node:http";

/** Who is graded: Classroom 50's variables, passed on as the command line has them. */
export const IDENTITY = [
  "CLASSROOM",
  "ASSIGNMENT",
  "ASSIGNMENT_TYPE",
  "OWNER",
  "USERNAME",
  "SUBMISSION_TAG",
  "COMMIT_URL",
  "RELEASE_URL",
  "REVIEW_URL",
] as const;

/** One run of the grader: the command line's arguments, and who is graded. */
export interface WarmRequest {
  readonly argv: readonly string[];
  readonly identity: Readonly<Record<string, string>>;
}

/** One check's result as the command line prints it: its heading, table, hints and summary. */
export interface CheckView {
  readonly title: string;
  readonly step: number | null;
  /** What the check did: the browser, the pages and targets, the request. */
  readonly heading: string;
  readonly columns: readonly string[];
  /** One row of cells per pair, in `columns`' order; `pass` says whether it is as expected. */
  readonly rows: readonly { readonly cells: readonly string[]; readonly pass: boolean }[];
  /** "page -> target: hint" for each pair not as expected. */
  readonly hints: readonly string[];
  readonly summary: string;
  readonly passed: boolean;
}

/**
 * What a run answers: its exit code, what it printed, each check's result when it graded, and its
 * report files by name, for whoever asked to write where they will (the warm grader writes none).
 */
export interface WarmAnswer {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  readonly views: readonly CheckView[];
  readonly files: Readonly<Record<string, string>>;
}

/**
 * The options a run handed to the warm grader may have: what to check, and in which browser. No
 * path ever: the warm grader reads and writes no file a request names (issue #19).
 */
export const WARM_OPTIONS = [
  "--step",
  "--all",
  "--browser",
  "--third-party-cookies",
  "--local-network",
  "--in-browser",
  "--claims",
  // The student's own API (issue #25): a URL and origins, no file.
  "--api",
  "--from",
  "--not-from",
  "--kinds",
  "--method",
  "--header",
] as const;

export type WarmReply =
  | { readonly kind: "answered"; readonly answer: WarmAnswer }
  /** Running, but with too many checks waiting already. */
  | { readonly kind: "busy"; readonly message: string }
  /** Nothing answered on the port: the warm grader is not started (or stopped while asked). */
  | { readonly kind: "absent"; readonly reason: string };

/** Asks the warm grader on 127.0.0.1:`port` for one run, waiting at most `timeoutMs`. */
export function askWarmGrader(port: number, request: WarmRequest, timeoutMs: number): Promise<WarmReply> {
  return new Promise((resolve) => {
    const sent = http.request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/grade",
        headers: { "content-type": "application/json" },
        timeout: timeoutMs,
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => chunks.push(chunk));
        answer.on("error", (error) => resolve({ kind: "absent", reason: error.message }));
        answer.on("end", () => {
          let body: { error?: string } & Partial<WarmAnswer>;
          try {
            body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
          } catch {
            resolve({ kind: "absent", reason: `127.0.0.1:${port} is not the warm grader` });
            return;
          }
          if (answer.statusCode === 503) resolve({ kind: "busy", message: body.error ?? "busy" });
          else if (answer.statusCode === 200) resolve({ kind: "answered", answer: body as WarmAnswer });
          else resolve({ kind: "absent", reason: body.error ?? `status ${answer.statusCode}` });
        });
      },
    );
    sent.on("timeout", () => sent.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    sent.on("error", (error: NodeJS.ErrnoException) =>
      resolve({ kind: "absent", reason: error.code ?? error.message }),
    );
    sent.end(JSON.stringify(request));
  });
}
