import type { GatewayConfig } from '../config/gateway-config.ts';
import type { MockProviderServer } from '../mock-provider/mock-provider-server.ts';

/**
 * Runs one in-process mock provider server per `type: mock` provider, on a loopback port, and
 * keeps that set in step with the configuration across reloads. The mock server's ~70 modules
 * are imported when the first mock provider starts, so a gateway without one never loads them.
 */
export class MockProviderSupervisor {
  readonly #servers = new Map<
    string,
    { readonly signature: string; readonly server: MockProviderServer }
  >();

  /** Starts and stops servers to match `config`; returns each mock provider's base URL by id. */
  async reconcile(config: GatewayConfig): Promise<Map<string, string>> {
    const wanted = new Map<string, string>();
    for (const provider of config.providers) {
      if (provider.mock !== undefined) {
        wanted.set(provider.id, JSON.stringify(provider.mock));
      }
    }
    for (const [id, running] of this.#servers) {
      if (wanted.get(id) !== running.signature) {
        this.#servers.delete(id);
        await running.server.close();
      }
    }
    const urls = new Map<string, string>();
    for (const provider of config.providers) {
      if (provider.mock === undefined) {
        continue;
      }
      let running = this.#servers.get(provider.id);
      if (running === undefined) {
        const { startMockProvider } = await import('../mock-provider/mock-provider-server.ts');
        const server = await startMockProvider({
          name: provider.id,
          latencyMs: provider.mock.latencyMs,
          tokensPerSecond: provider.mock.tokensPerSecond,
          recordLimit: 0,
        });
        running = { signature: wanted.get(provider.id) ?? '', server };
        this.#servers.set(provider.id, running);
      }
      urls.set(provider.id, running.server.baseUrl);
    }
    return urls;
  }

  async close(): Promise<void> {
    const servers = [...this.#servers.values()];
    this.#servers.clear();
    await Promise.all(servers.map((running) => running.server.close()));
  }
}
