// Copy the pinned front-end packages' minified files and licence texts into the Django static
// files (massline/core/static/vendor/<package>/). Run by `make assets` after `npm ci`; the
// output is committed so that `make demo` needs no Node. No bundler: each file is used as the
// package ships it.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "node_modules");
const vendor = join(here, "..", "massline", "core", "static", "vendor");

// package -> [source path inside node_modules, file name in vendor/<package>/]
const FILES = {
  "htmx.org": [
    ["htmx.org/dist/htmx.min.js", "htmx.min.js"],
    ["htmx.org/LICENSE", "LICENSE"],
  ],
  echarts: [
    ["echarts/dist/echarts.min.js", "echarts.min.js"],
    ["echarts/LICENSE", "LICENSE"],
    ["echarts/NOTICE", "NOTICE"],
    ["echarts/licenses/LICENSE-d3", "LICENSE-d3"],
    // echarts.min.js bundles zrender and tslib
    ["zrender/LICENSE", "LICENSE-zrender"],
    ["tslib/LICENSE.txt", "LICENSE-tslib"],
  ],
  "axe-core": [
    ["axe-core/axe.min.js", "axe.min.js"],
    ["axe-core/LICENSE", "LICENSE"],
    ["axe-core/LICENSE-3RD-PARTY.txt", "LICENSE-3RD-PARTY.txt"],
  ],
};

const pinned = JSON.parse(readFileSync(join(here, "package.json"), "utf8")).dependencies;
const lines = ["# Built by `make assets` from assets/package-lock.json; do not edit.", ""];
for (const [pkg, files] of Object.entries(FILES)) {
  const version = JSON.parse(readFileSync(join(modules, pkg, "package.json"), "utf8")).version;
  if (version !== pinned[pkg]) {
    throw new Error(`${pkg}: node_modules has ${version}, package.json pins ${pinned[pkg]}`);
  }
  const out = join(vendor, pkg);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const [source, name] of files) {
    copyFileSync(join(modules, source), join(out, name));
  }
  lines.push(`${pkg} ${version}: ${files.map(([, name]) => name).join(", ")}`);
  console.log(`vendor/${pkg}/ <- ${pkg}@${version}`);
}
writeFileSync(join(vendor, "VERSIONS.txt"), lines.join("\n") + "\n");
