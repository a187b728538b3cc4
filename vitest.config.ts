import { defineConfig } from 'vitest/config';

// Projects keep fast tests apart from ones that need a real engine or a real lab.
export default defineConfig({
  test: {
    projects: [
      {
        // Generous limits: a loaded 2-core machine makes 2048-bit key generation slow.
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.{ts,tsx}'],
          testTimeout: 20_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 1_800_000,
          hookTimeout: 1_800_000,
          fileParallelism: false,
          sequence: { concurrent: false },
        },
      },
      {
        test: {
          name: 'interrupt',
          include: ['test/interrupt/**/*.test.ts'],
          testTimeout: 900_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'mutations',
          include: ['test/mutations/**/*.test.ts'],
          testTimeout: 900_000,
          hookTimeout: 1_800_000,
          fileParallelism: false,
        },
      },
      {
        // The library as a user gets it: packed, installed elsewhere, a real lab (`npm run test:pack`).
        test: {
          name: 'pack',
          include: ['test/pack/*.test.ts'],
          testTimeout: 2_400_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
      {
        // The GitHub Action's steps run as a runner would, against a real lab (`npm run test:library`).
        test: {
          name: 'library',
          include: ['test/library/**/*.test.ts'],
          testTimeout: 2_400_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
      {
        // An inventory lab on six SSH machines, part of `npm test` but never beside the Docker e2e.
        test: {
          name: 'inventory',
          include: ['test/inventory/**/*.test.ts'],
          testTimeout: 1_800_000,
          hookTimeout: 1_800_000,
          fileParallelism: false,
          sequence: { concurrent: false },
        },
      },
      {
        // Every built-in scenario on an inventory lab (`npm run test:inventory-matrix`).
        test: {
          name: 'inventory-matrix',
          include: ['test/inventory-matrix/**/*.test.ts'],
          testTimeout: 900_000,
          hookTimeout: 1_800_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'day2',
          include: ['test/day2/**/*.test.ts'],
          testTimeout: 1_800_000,
          hookTimeout: 1_800_000,
          fileParallelism: false,
        },
      },
      {
        // Every offered Kubernetes minor brought up for real, one lab at a time (`npm run test:versions`).
        test: {
          name: 'versions',
          include: ['test/versions/**/*.test.ts'],
          testTimeout: 2_400_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'snapshot',
          include: ['test/snapshot/**/*.test.ts'],
          testTimeout: 900_000,
          hookTimeout: 1_200_000,
          fileParallelism: false,
          sequence: { concurrent: false },
        },
      },
      {
        test: {
          name: 'matrix',
          include: ['test/matrix/**/*.test.ts'],
          testTimeout: 3_600_000,
          hookTimeout: 1_800_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
