import type { VirtualKeyRecord, VirtualKeyStore } from '../ports.ts';

/** An in-process key store, for tests and throwaway runs. Not shared between processes. */
export class MemoryVirtualKeyStore implements VirtualKeyStore {
  readonly #records = new Map<string, VirtualKeyRecord>();
  #version = 0;

  insert(record: VirtualKeyRecord): Promise<void> {
    if (this.#records.has(record.id)) {
      return Promise.reject(new Error(`a key with id ${record.id} already exists`));
    }
    this.#records.set(record.id, record);
    this.#version += 1;
    return Promise.resolve();
  }

  findById(id: string): Promise<VirtualKeyRecord | undefined> {
    return Promise.resolve(this.#records.get(id));
  }

  list(options: { readonly includeRevoked?: boolean } = {}): Promise<VirtualKeyRecord[]> {
    const records = [...this.#records.values()]
      .filter((record) => options.includeRevoked === true || record.revokedAt === null)
      .sort((left, right) => left.createdAt - right.createdAt || left.id.localeCompare(right.id));
    return Promise.resolve(records);
  }

  revoke(id: string, at: number): Promise<boolean> {
    const record = this.#records.get(id);
    if (record?.revokedAt !== null) {
      return Promise.resolve(false);
    }
    this.#records.set(id, { ...record, revokedAt: at });
    this.#version += 1;
    return Promise.resolve(true);
  }

  changeMarker(): Promise<number> {
    return Promise.resolve(this.#version);
  }
}
