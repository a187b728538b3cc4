import { Option } from 'commander';
import { DEFAULT_LAB_NAME } from '../core/topology.js';

/** `--name`, taken by every command that addresses a lab. */
export const nameOption = () => new Option('--name <name>', 'lab name').default(DEFAULT_LAB_NAME);
