// Bundles src/ into dist/widget.js: one classic script, so one <script> tag embeds it.
// Run by `npm run build` (the Makefile's widget rule); dist/ is not committed.
import { build } from "esbuild";

await build({
  entryPoints: ["src/index.js"],
  outfile: "dist/widget.js",
  bundle: true,
  format: "iife",
  minify: true,
  target: ["es2020"],
  legalComments: "eof",
  logLevel: "warning",
});
console.log("widget: built dist/widget.js");
