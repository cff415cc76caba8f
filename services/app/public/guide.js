// The guide's diagrams: Mermaid (served by the app at /vendor/mermaid.js) draws every pre.mermaid.
mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });
mermaid.run({ querySelector: "pre.mermaid" });
