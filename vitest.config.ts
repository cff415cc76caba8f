import { defineConfig } from "vitest/config";

/** The stack test files on the second stack, in either order (the first to ask has the first turn). */
const SECOND_STACK = ["tests/stack/engines.test.ts", "tests/stack/own-api.test.ts"];

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
        // A second stack beside the first (issue #21): the three engines' file, the longest by far,
        // and the student's-own-API file, so that the two stacks' files take about as long.
        test: {
          name: "second-stack",
          include: SECOND_STACK,
          ...onAStack,
          maxWorkers: 3,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: "stack",
          include: ["tests/stack/**/*.test.ts"],
          exclude: ["tests/stack/bundle.test.ts", ...SECOND_STACK],
          ...onAStack,
          // A worker for each stack, and one more for the second stack's file that waits for its
          // turn there (vitest.dev/config/sequence: a group shares its workers).
          maxWorkers: 3,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
