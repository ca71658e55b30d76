import { runVirtualKeyStoreConformance } from '../virtual-key-store.conformance.ts';
import { MemoryVirtualKeyStore } from './virtual-key-store.ts';

runVirtualKeyStoreConformance('memory', () => Promise.resolve(new MemoryVirtualKeyStore()));
