// Real HTTP from the tests: undici and raw sockets on loopback, and servers on ephemeral ports.
import { request as httpRequest, type Server } from "node:http";
import { type AddressInfo, createServer, Socket } from "node:net";
import { request } from "undici";

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/**
 * One HTTP request to 127.0.0.1:port with a Host header of our choosing (global fetch would
 * silently replace it), so a test can pick the proxy's virtual host.
 */
export async function http(
  port: number,
  path: string,
  options: { host?: string; method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpAnswer> {
  const { statusCode, headers, body } = await request(`http://127.0.0.1:${port}${path}`, {
    method: (options.method ?? "GET") as "GET",
    headers: { ...(options.host ? { host: options.host } : {}), ...options.headers },
    body: options.body,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  return { status: statusCode, headers, body: await body.text() };
}

export function corsHeaders(headers: HttpAnswer["headers"]): string[] {
  return Object.keys(headers).filter((name) => name.toLowerCase().startsWith("access-control-"));
}

/** Sends bytes on a raw socket and returns all that came back (for requests no HTTP client will send). */
export function rawRequest(port: number, text: string, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let answer = "";
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    socket.on("data", (chunk) => {
      answer += chunk.toString("latin1");
    });
    socket.on("close", () => resolve(answer));
    socket.on("error", reject);
    socket.connect(port, "127.0.0.1", () => socket.write(text));
  });
}

/** The head of the answer to a raw `request` (status line, then each header line as it came). */
export function responseHead(port: number, request: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let text = "";
    socket.on("data", (chunk) => {
      text += chunk.toString("latin1");
      const end = text.indexOf("\r\n\r\n");
      if (end >= 0) {
        socket.destroy();
        resolve(text.slice(0, end).split("\r\n"));
      }
    });
    socket.on("error", reject);
    socket.connect(port, "127.0.0.1", () => socket.write(request));
  });
}

export interface Listening extends AsyncDisposable {
  readonly port: number;
}

/** Starts `server` on an ephemeral loopback port; `await using` closes it, open connections too. */
export async function listen(server: Server): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the server has no TCP address");
  return {
    port: address.port,
    async [Symbol.asyncDispose]() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A TCP port on 127.0.0.1 that was free a moment ago (nothing listens on it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A POST of `bytes` of body, sent as an ordinary client sends one: headers, then the body in chunks
 * (its length declared, or with `chunked` not, in chunked transfer coding),
 * reading the answer whenever it comes, even before the body is all out. The status, or the error
 * that took the answer's place (a connection reset, say).
 */
export function postBody(
  port: number,
  host: string,
  bytes: number,
  { chunked = false }: { readonly chunked?: boolean } = {},
): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const request = httpRequest({
      host: "127.0.0.1",
      port,
      method: "POST",
      path: "/headers",
      // With no length declared, Node sends the body chunked (RFC 9112 §7.1).
      headers: {
        host,
        "content-type": "application/octet-stream",
        ...(chunked ? {} : { "content-length": bytes }),
      },
      agent: false,
    });
    let settled = false;
    const settle = (value: { status: number; body: string } | { error: string }) => {
      if (!settled) resolve(value);
      settled = true;
    };
    request.on("response", (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk) => {
        body += chunk;
      });
      response.on("end", () => settle({ status: response.statusCode ?? 0, body }));
      response.on("error", (error) =>
        settle({ error: (error as NodeJS.ErrnoException).code ?? error.message }),
      );
    });
    request.on("error", (error) => settle({ error: (error as NodeJS.ErrnoException).code ?? error.message }));
    const chunk = Buffer.alloc(64 * 1024, "x");
    let sent = 0;
    const write = () => {
      while (sent < bytes && !request.destroyed) {
        const part = chunk.subarray(0, Math.min(chunk.length, bytes - sent));
        sent += part.length;
        if (!request.write(part)) return void request.once("drain", write);
      }
      if (!request.destroyed) request.end();
    };
    write();
  });
}
