/** Which origins do not answer `/healthz`, each with the reason; empty when the whole lab is up. */
export async function unreachableOrigins(origins: readonly string[], timeoutMs: number): Promise<string[]> {
  const problems = await Promise.all(
    origins.map(async (origin) => {
      try {
        const response = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
        await response.body?.cancel();
        return response.ok ? undefined : `${origin} answered ${response.status}`;
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
        return `${origin} did not answer (${cause})`;
      }
    }),
  );
  return problems.filter((problem) => problem !== undefined);
}
