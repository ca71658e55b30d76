import type {
  VirtualKeyChanges,
  VirtualKeyFilter,
  VirtualKeyRecord,
  VirtualKeyStore,
} from '../ports.ts';

/** Whether a key passes every filter given. Pure. */
function matches(record: VirtualKeyRecord, filter: VirtualKeyFilter): boolean {
  return (
    (filter.includeRevoked === true || record.revokedAt === null) &&
    (filter.org === undefined || record.org === filter.org) &&
    (filter.team === undefined || record.team === filter.team) &&
    (filter.ownerUser === undefined || record.ownerUser === filter.ownerUser)
  );
}

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

  list(filter: VirtualKeyFilter = {}): Promise<VirtualKeyRecord[]> {
    const records = [...this.#records.values()]
      .filter((record) => matches(record, filter))
      .sort(
        (left, right) =>
          left.createdAt - right.createdAt ||
          (left.id < right.id ? -1 : left.id > right.id ? 1 : 0),
      );
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

  update(id: string, changes: VirtualKeyChanges): Promise<VirtualKeyRecord | undefined> {
    const record = this.#records.get(id);
    if (record?.revokedAt !== null) {
      return Promise.resolve(undefined);
    }
    const updated: VirtualKeyRecord = { ...record, ...changes };
    this.#records.set(id, updated);
    this.#version += 1;
    return Promise.resolve(updated);
  }

  changeMarker(): Promise<number> {
    return Promise.resolve(this.#version);
  }
}
