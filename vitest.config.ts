import { defineConfig } from "vitest/config";

/** The stack tests' shared settings: a Compose stack per project, used by one file at a time. */
const onAStack = {
  // The real docker-compose.yml, built and started once per project with Testcontainers.
  globalSetup: ["tests/support/stack-setup.ts"],
  // Each file waits for its turn on its project's stack: one of them stops the app on purpose, and
  // many serve a policy of their own (issue #21).
  setupFiles: ["tests/support/take-turn.ts"],
  testTimeout: 120_000,
  hookTimeout: 300_000,
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: [
            "tests/services/**/*.test.ts",
            "tests/lab/**/*.test.ts",
            "tests/support/**/*.test.ts",
            "tests/devcontainer/**/*.test.ts",
            "tests/workflows/**/*.test.ts",
          ],
          testTimeout: 15_000,
          // Vitest's default leaves one core of two idle; these files share nothing and wait on
          // sandboxes and sockets more than they compute.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        // Beside the unit tests, before any stack test: it removes the lab's images and loads them
        // back from the bundle, which no other stack test could meet (issue #21).
        test: {
          name: "bundle",
          include: ["tests/stack/bundle.test.ts"],
          testTimeout: 600_000,
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        // The three engines' file on a stack of its own, beside the other stack files: the longest
        // file by far (issue #21). A file more on this stack would wait for its turn while holding
        // one of the group's two workers, which the other stack's files need.
        test: {
          name: "engines",
          include: ["tests/stack/engines.test.ts"],
          ...onAStack,
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: "stack",
          include: ["tests/stack/**/*.test.ts"],
          exclude: ["tests/stack/bundle.test.ts", "tests/stack/engines.test.ts"],
          ...onAStack,
          // A worker for each stack (vitest.dev/config/sequence: a group shares its workers).
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
