// The lab guide at /lab: lab/manifest.json and each step's README.md, rendered with marked. The same
// Markdown files read well on GitHub; links between step folders become links between /lab pages.
import { readFile } from "node:fs/promises";
import { join, posix } from "node:path";
import type { Request, RequestHandler, Response } from "express";
import { Marked, type Token, type Tokens } from "marked";
import { escapeHtml } from "../../shared/src/html.ts";
import { type LabStep, ManifestError, readManifest } from "../../shared/src/lab-manifest.ts";
import { type LabOrigins, withOrigins } from "../../shared/src/lab-origins.ts";
import type { Logger } from "../../shared/src/log.ts";
import { CHECK_MARK, checkHandler, checkSection, START_GRADER } from "./check-button.ts";
import { GUIDE_CSP, layout, sendPage } from "./page.ts";

export interface Guide {
  readonly steps: readonly LabStep[];
  readonly index: string;
  /** The page of step `number`, or undefined when there is no such step. */
  page(number: number): string | undefined;
}

/**
 * A ```mermaid block becomes a diagram: its text in a `pre.mermaid`, which the Mermaid library the
 * app serves (/vendor/mermaid.js) draws as SVG in the page, as GitHub draws the same block.
 */
function diagram(token: Tokens.Code): string | false {
  return token.lang === "mermaid" ? `<pre class="mermaid">${escapeHtml(token.text)}</pre>\n` : false;
}

const DIAGRAM_SCRIPTS = `<script src="/vendor/mermaid.js" defer></script>\n<script src="/guide.js" defer></script>\n`;

/**
 * `../03-cross-origin-request/README.md#x` → `/lab/3#x`, for links to a step's folder or text. A
 * link to another file of the step (its solution, say) has no page here: it becomes the file's
 * path in the repository, as code, rather than a link that would answer 404.
 */
function stepLinks(steps: readonly LabStep[], folder: string) {
  return (token: Token) => {
    // A picture beside the step (issue #12) is served from the guide's folder.
    if (token.type === "image" && !/^[a-z]+:/i.test(token.href)) {
      token.href = `/lab/files/${posix.normalize(posix.join(folder, token.href))}`;
      return;
    }
    if (token.type !== "link" || /^[a-z]+:/i.test(token.href) || token.href.startsWith("#")) return;
    const match = /^(?:\.\.\/|\.\/)?([a-z0-9-]+)\/(?:README\.md)?(#.*)?$/.exec(token.href);
    const step = match && steps.find((s) => s.folder === match[1]);
    if (step) {
      token.href = `/lab/${step.number}${match[2] ?? ""}`;
      return;
    }
    const path = posix.normalize(posix.join("lab", folder, token.href));
    Object.assign(token, { type: "codespan", text: path, tokens: undefined });
  };
}

function navigation(steps: readonly LabStep[], number: number): string {
  const link = (n: number, text: string) =>
    steps[n - 1] ? `<a href="/lab/${n}">${text}</a>` : "<span></span>";
  return `<nav class="steps">${link(number - 1, `← Step ${number - 1}`)}<a href="/lab">All steps</a>${link(number + 1, `Step ${number + 1} →`)}</nav>`;
}

export async function loadGuide(labDir: string, origins: LabOrigins): Promise<Guide> {
  const steps = await readManifest(labDir);
  const pages = await Promise.all(
    steps.map(async (step) => {
      const marked = new Marked({
        gfm: true,
        walkTokens: stepLinks(steps, step.folder),
        renderer: { code: diagram },
      });
      const file = join(labDir, step.folder, "README.md");
      const markdown = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
        throw new ManifestError(
          file,
          `cannot read step ${step.number}'s text (${error.code ?? error.message})`,
        );
      });
      // Our own Markdown, so its HTML is trusted; only values from requests are ever escaped.
      // The files name the default origins (and read so on GitHub); the lab's guide names its own.
      const html = marked.parse(withOrigins(markdown, origins), { async: false });
      const nav = navigation(steps, step.number);
      return layout(
        `cors-lab · Step ${step.number}: ${step.title}`,
        `${nav}\n<article class="guide">${html}</article>\n${CHECK_MARK}\n${nav}`,
        html.includes('<pre class="mermaid">') ? DIAGRAM_SCRIPTS : "",
      );
    }),
  );
  const list = steps
    .map(
      (step) =>
        `<li><a href="/lab/${step.number}">${escapeHtml(step.title)}</a> <span class="check">${escapeHtml(withOrigins(step.sentence, origins))}</span></li>`,
    )
    .join("\n");
  const index = layout(
    "cors-lab · the guide",
    `<h1>The cors-lab guide</h1>
<p>Work through the steps in order. Each ends with a check: the <em>Check</em> button at the foot of its page (with the grader running: <code>${START_GRADER}</code>), or <code>npm run grade -- --step N</code> in a terminal.</p>
<ol class="guide-steps">
${list}
</ol>`,
  );
  return { steps, index, page: (number) => pages[number - 1] };
}

export interface GuideHandlers {
  readonly index: RequestHandler;
  readonly step: RequestHandler;
  /** POST /lab/:step/check: the step's page with the grader's result in it. */
  readonly check: RequestHandler;
  /** A picture beside a step: /lab/files/FOLDER/FILE.png */
  readonly file: RequestHandler;
}

/** What may be served from a step's folder: its pictures, nothing else. */
const PICTURE = /^[a-z0-9][a-z0-9-]*\.(png|svg)$/;

export interface GuideOptions {
  readonly labDir: string;
  readonly origins: LabOrigins;
  /** The warm grader's port for the Check button (issue #11). */
  readonly graderPort: number;
  /** The origin a request was sent to, as the browser sees it. */
  readonly servedFrom: (req: Request) => string;
}

/** GET /lab and /lab/:step. The guide is read on the first visit: a broken one must not stop the lab. */
export function guideHandlers(
  { labDir, origins, graderPort, servedFrom }: GuideOptions,
  log: Logger,
): GuideHandlers {
  let guide: Promise<Guide> | undefined;
  const theGuide = () =>
    (guide ??= loadGuide(labDir, origins).catch((error) => {
      guide = undefined;
      throw error;
    }));

  /** The guide, or undefined after answering that it cannot be loaded. */
  const loadedGuide = async (res: Response): Promise<Guide | undefined> => {
    try {
      return await theGuide();
    } catch (error) {
      if (!(error instanceof ManifestError)) throw error;
      log.error("the guide cannot be loaded", { error: error.message });
      res.status(500).type("text/plain").send(`The guide cannot be loaded: ${error.message}\n`);
      return undefined;
    }
  };

  const guidePage = (pick: (guide: Guide, req: Request) => string | undefined): RequestHandler => {
    return async (req, res) => {
      const loaded = await loadedGuide(res);
      if (loaded === undefined) return;
      const html = pick(loaded, req);
      if (html === undefined) {
        const message = `There is no step ${req.params.step}. The guide has steps 1 to ${loaded.steps.length}: see /lab\n`;
        res.status(404).type("text/plain").send(message);
        return;
      }
      sendPage(res, html, GUIDE_CSP);
    };
  };

  const file: RequestHandler = async (req, res) => {
    const { folder, file: name } = req.params as { folder: string; file: string };
    const steps = (await theGuide().catch(() => undefined))?.steps ?? [];
    if (!steps.some((step) => step.folder === folder) || !PICTURE.test(name)) {
      res.status(404).type("text/plain").send(`Not found: no picture ${folder}/${name} in the guide.\n`);
      return;
    }
    res.set("Cache-Control", "no-cache").sendFile(join(labDir, folder, name), (error) => {
      if (error && !res.headersSent)
        res.status(404).type("text/plain").send(`Not found: ${folder}/${name}.\n`);
    });
  };

  const stepPage = (loaded: Guide, req: Request) =>
    /^\d+$/.test(String(req.params.step)) ? loaded.page(Number(req.params.step)) : undefined;

  return {
    file,
    index: guidePage((loaded) => loaded.index),
    step: guidePage((loaded, req) =>
      stepPage(loaded, req)?.replace(CHECK_MARK, checkSection(Number(req.params.step))),
    ),
    check: checkHandler({
      graderPort,
      servedFrom,
      page: async (req, res) => {
        const loaded = await loadedGuide(res);
        return loaded && stepPage(loaded, req);
      },
      send: (res, status, html) => sendPage(res.status(status), html, GUIDE_CSP),
    }),
  };
}
