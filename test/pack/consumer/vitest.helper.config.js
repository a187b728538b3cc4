export default {
  test: {
    include: ['helper/*.test.js'],
    globalSetup: ['./setup-nodes-only.js'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
};
