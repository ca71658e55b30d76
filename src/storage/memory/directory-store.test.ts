import { runDirectoryStoreConformance } from '../directory-store.conformance.ts';
import { MemoryDirectoryStore } from './directory-store.ts';

runDirectoryStoreConformance('memory', () => Promise.resolve(new MemoryDirectoryStore()));
