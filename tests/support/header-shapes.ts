// Header shapes a proxy could get wrong (issue #22), set by a policy on every answer of the app: two
// lines of one header, a comma inside one value, an empty value, a name in mixed case, two
// Set-Cookie lines, a Vary list. The proxy's wire test and the benchmark's nginx comparison use them.
export const HEADER_SHAPES_POLICY = `export const corsPolicy = (_req, res, next) => {
  res.setHeader("Access-Control-Allow-Origin", ["http://a.test", "http://b.test"]);
  res.setHeader("X-Two", ["one", "two"]);
  res.setHeader("X-Comma", "a, b");
  res.setHeader("X-Empty", "");
  res.setHeader("X-MiXeD-CaSe", "Kept");
  res.setHeader("Set-Cookie", ["a=1; Path=/", "b=2; Path=/; HttpOnly"]);
  res.setHeader("Vary", "Origin, Accept-Encoding");
  next();
};
`;

/** Each shape as a header line, as the app writes it. */
export const HEADER_SHAPE_LINES: readonly string[] = [
  "Access-Control-Allow-Origin: http://a.test",
  "Access-Control-Allow-Origin: http://b.test",
  "X-Two: one",
  "X-Two: two",
  "X-Comma: a, b",
  "X-Empty: ",
  "X-MiXeD-CaSe: Kept",
  "Set-Cookie: a=1; Path=/",
  "Set-Cookie: b=2; Path=/; HttpOnly",
  "Vary: Origin, Accept-Encoding",
];

/** A GET of /me (under the policy, the same body whichever way it came) for `host`, as raw bytes. */
export const meRequest = (host: string) =>
  `GET /me HTTP/1.1\r\nHost: ${host}\r\nOrigin: http://a.test\r\nConnection: close\r\n\r\n`;
