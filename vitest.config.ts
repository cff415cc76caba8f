import { defineConfig } from "vitest/config";

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
        },
      },
      {
        test: {
          name: "stack",
          include: ["tests/stack/**/*.test.ts"],
          // One Compose stack for all stack tests, built from the real docker-compose.yml.
          globalSetup: ["tests/support/stack-setup.ts"],
          // The files share that stack and one of them stops the app on purpose: run them one at a time.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
