import { Command } from 'commander';

/** `modelgate check-name ORG/NAME`: look-alike names of well-known repos (stub, being built). */
export function checkNameCommand(): Command {
  return new Command('check-name').description('check a Hugging Face repo name against well-known names').argument('<name>');
}
