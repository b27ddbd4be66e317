import { policyToYaml } from '../../core/policy/load-policy.ts';
import { PRESET_INPUTS, PRESET_NAMES, getPreset } from '../../core/policy/presets/index.ts';
import { CliError } from '../cli-error.ts';
import { readPolicyArgument, readPolicyFile } from '../read-arguments.ts';
import type { CommandContext } from '../command-context.ts';

export const POLICY_USAGE = `trellis policy list
trellis policy show PRESET|FILE
trellis policy validate FILE`;

/** `trellis policy list|show|validate`: look at presets, and check a school's own policy file. */
export async function runPolicyCommand(args: string[], { output }: CommandContext): Promise<void> {
  const [verb, target, ...rest] = args;
  if (rest.length > 0) throw new CliError(`Unexpected arguments: ${rest.join(' ')}\n\nUsage:\n${POLICY_USAGE}`);
  switch (verb) {
    case 'list':
      for (const name of PRESET_NAMES) {
        const policy = getPreset(name)!;
        output.out(`${name.padEnd(16)} ${policy.organisation}: "${policy.name}" (${policy.source})`);
      }
      return;
    case 'show': {
      if (target === undefined) throw new CliError(`Say which policy to show.\n\nUsage:\n${POLICY_USAGE}`);
      const preset = PRESET_INPUTS[target];
      if (preset !== undefined) {
        output.out(`# Preset "${target}". Copy this file, change it, and check it with: trellis policy validate FILE\n${policyToYaml(preset)}`);
        return;
      }
      const { policy } = await readPolicyArgument(target);
      output.out(policyToYaml(policy));
      return;
    }
    case 'validate': {
      if (target === undefined) throw new CliError(`Say which policy file to validate.\n\nUsage:\n${POLICY_USAGE}`);
      const policy = await readPolicyFile(target);
      output.out(`${target} is a valid policy: "${policy.name}" for ${policy.organisation}, ${policy.obligations.length} obligation rules.`);
      return;
    }
    default:
      throw new CliError(`Unknown policy command "${verb ?? ''}".\n\nUsage:\n${POLICY_USAGE}`);
  }
}
