// Builds the web assets into chalicelib/web/static/: the Sass compiled with npm `sass`, GOV.UK
// Frontend's JS and the favicon, each under a content-hashed name, plus manifest.json
// ({"main.css": "main-<hash>.css", ...}) that the templates read. Run by `make assets`.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "chalicelib", "web", "static");
const gf = join(here, "node_modules", "govuk-frontend", "dist", "govuk");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const manifest = {};

function emit(logical, content) {
  const hash = createHash("sha256").update(content).digest("hex").slice(0, 12);
  const dot = logical.lastIndexOf(".");
  const name = `${logical.slice(0, dot)}-${hash}${logical.slice(dot)}`;
  writeFileSync(join(out, name), content);
  manifest[logical] = name;
}

const css = sass.compile(join(here, "scss", "main.scss"), {
  loadPaths: [join(here, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
if (/url\((?!["']?data:)/.test(css.css)) {
  // Every url() must be an asset we copy (none today): fail rather than ship a broken link.
  throw new Error("the CSS references a file by url(): copy it and hash it in build.mjs");
}
emit("main.css", css.css);
// JavaScript only enhances (every page works without it): GOV.UK Frontend's ES module.
emit("govuk-frontend.js", readFileSync(join(gf, "govuk-frontend.min.js"), "utf8").replace(/\n\/\/# sourceMappingURL=.*$/m, ""));
emit("favicon.svg", readFileSync(join(here, "favicon.svg")));
// /docs (the API reference): Swagger UI's bundle and stylesheet, and our few lines that start it.
const swagger = join(here, "node_modules", "swagger-ui-dist");
const noSourceMap = (text) => text.replace(/\n?\/[/*]# sourceMappingURL=.*$/m, "");
emit("swagger-ui.js", noSourceMap(readFileSync(join(swagger, "swagger-ui-bundle.js"), "utf8")));
emit("swagger-ui.css", noSourceMap(readFileSync(join(swagger, "swagger-ui.css"), "utf8")));
emit("api-docs.js", readFileSync(join(here, "api-docs.js"), "utf8"));

writeFileSync(join(out, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
console.log(`assets: ${readdirSync(out).length} files in ${out}`);
