import { describe, expect, it } from 'vitest';
import type { DirectoryStore, UserRecord } from './ports.ts';

function user(id: string, overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    id,
    org: 'default',
    email: `${id}@example.com`,
    name: `user ${id}`,
    role: 'member',
    teams: [],
    createdAt: 1_000,
    ...overrides,
  };
}

const hostile = ["' OR '1'='1", '"; DROP TABLE users; --', "x'); DROP TABLE teams; --"];

/**
 * The behaviour every `DirectoryStore` backend must have. Each backend's test calls this with a
 * factory that returns a fresh store (holding only the organisation `default`).
 */
export function runDirectoryStoreConformance(
  name: string,
  createStore: () => Promise<DirectoryStore>,
): void {
  describe(`DirectoryStore conformance: ${name}`, () => {
    it('starts with the organisation default', async () => {
      const store = await createStore();
      expect((await store.listOrganisations()).map((org) => org.id)).toEqual(['default']);
      expect((await store.findOrganisation('default'))?.id).toBe('default');
    });

    it('creates, finds, lists and renames organisations; refuses a taken id', async () => {
      const store = await createStore();
      await store.insertOrganisation({ id: 'acme', name: 'Acme', createdAt: 5 });
      expect(await store.findOrganisation('acme')).toStrictEqual({
        id: 'acme',
        name: 'Acme',
        createdAt: 5,
      });
      await expect(
        store.insertOrganisation({ id: 'acme', name: 'x', createdAt: 6 }),
      ).rejects.toThrow();
      expect((await store.listOrganisations()).map((org) => org.id)).toEqual(['acme', 'default']);
      expect((await store.renameOrganisation('acme', 'Acme Ltd'))?.name).toBe('Acme Ltd');
      expect(await store.renameOrganisation('nope', 'x')).toBeUndefined();
      expect(await store.findOrganisation('nope')).toBeUndefined();
    });

    it('keeps teams per organisation: the same id in two organisations is two teams', async () => {
      const store = await createStore();
      await store.insertOrganisation({ id: 'acme', name: 'Acme', createdAt: 1 });
      await store.insertTeam({ org: 'acme', id: 'payments', name: 'Acme payments', createdAt: 2 });
      await store.insertTeam({ org: 'default', id: 'payments', name: 'Payments', createdAt: 3 });
      await store.insertTeam({ org: 'default', id: 'ml', name: 'ML', createdAt: 4 });
      await expect(
        store.insertTeam({ org: 'acme', id: 'payments', name: 'again', createdAt: 5 }),
      ).rejects.toThrow();
      expect((await store.findTeam('acme', 'payments'))?.name).toBe('Acme payments');
      expect((await store.findTeam('default', 'payments'))?.name).toBe('Payments');
      expect(await store.findTeam('acme', 'ml')).toBeUndefined();
      expect((await store.listTeams('default')).map((team) => team.id)).toEqual(['ml', 'payments']);
      expect((await store.listTeams('acme')).map((team) => team.id)).toEqual(['payments']);
      expect((await store.renameTeam('acme', 'payments', 'Renamed'))?.name).toBe('Renamed');
      expect((await store.findTeam('default', 'payments'))?.name).toBe('Payments');
      expect(await store.renameTeam('acme', 'ml', 'x')).toBeUndefined();
    });

    it('stores users, lists them per organisation and team, and updates given fields', async () => {
      const store = await createStore();
      await store.insertOrganisation({ id: 'acme', name: 'Acme', createdAt: 1 });
      const alice = user('usr_alice', { role: 'team_admin', teams: ['ml', 'payments'] });
      const bob = user('usr_bob', { createdAt: 2_000, teams: ['payments'] });
      const carol = user('usr_carol', { org: 'acme', role: 'admin', teams: ['payments'] });
      for (const each of [alice, bob, carol]) {
        await store.insertUser(each);
      }
      await expect(store.insertUser(alice)).rejects.toThrow();
      expect(await store.findUser('usr_alice')).toStrictEqual(alice);
      expect(await store.findUser('usr_none')).toBeUndefined();
      expect((await store.listUsers('default')).map((each) => each.id)).toEqual([
        'usr_alice',
        'usr_bob',
      ]);
      expect((await store.listUsers('default', { team: 'ml' })).map((each) => each.id)).toEqual([
        'usr_alice',
      ]);
      expect((await store.listUsers('acme', { team: 'payments' })).map((each) => each.id)).toEqual([
        'usr_carol',
      ]);
      const updated = await store.updateUser('default', 'usr_bob', { role: 'viewer', teams: [] });
      expect(updated).toStrictEqual({ ...bob, role: 'viewer', teams: [] });
      expect(await store.updateUser('default', 'usr_bob', { name: 'Bob' })).toStrictEqual({
        ...bob,
        role: 'viewer',
        teams: [],
        name: 'Bob',
      });
      // Scoped by organisation: another tenant's id changes nothing.
      expect(await store.updateUser('acme', 'usr_bob', { role: 'admin' })).toBeUndefined();
      expect((await store.findUser('usr_bob'))?.role).toBe('viewer');
    });

    it('treats ids, names, emails and filters made of SQL as data', async () => {
      const store = await createStore();
      for (const [index, text] of hostile.entries()) {
        await store.insertUser(
          user(`usr_${String(index)}`, { name: text, email: text, teams: [text] }),
        );
        expect((await store.findUser(`usr_${String(index)}`))?.name).toBe(text);
        expect(await store.findUser(text)).toBeUndefined();
        expect(await store.findTeam(text, text)).toBeUndefined();
        expect(await store.findOrganisation(text)).toBeUndefined();
        expect(await store.listUsers(text)).toEqual([]);
        expect((await store.listUsers('default', { team: text })).map((each) => each.id)).toEqual([
          `usr_${String(index)}`,
        ]);
        await store.insertTeam({
          org: 'default',
          id: `t${String(index)}`,
          name: text,
          createdAt: 1,
        });
        expect((await store.findTeam('default', `t${String(index)}`))?.name).toBe(text);
      }
      expect(await store.listUsers('default')).toHaveLength(hostile.length);
      expect(await store.listTeams('default')).toHaveLength(hostile.length);
    });
  });
}
