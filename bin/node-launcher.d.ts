// Types for bin/node-launcher.js, which stays plain JavaScript so that any old Node can run it.
export const MINIMUM_NODE: string;
export function isOlderThan(version: string, minimum?: string): boolean;
export function launchDecision(version: string, env: Record<string, string | undefined>): 'run' | 'relaunch' | 'give-up';
export function cannotRelaunchMessage(version: string): string;
export const SEMI_SPACE_FLAG: string;
export const HEAP_GROWING_FLAG: string;
export function memoryFlags(execArgv: readonly string[], env: Record<string, string | undefined>, args: readonly string[]): string[];
export function ensureSupportedNode(script: string): Promise<void>;
export function ensureMemoryFlags(script: string): void;
