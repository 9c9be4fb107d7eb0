// Hardhat's node (EDR) for `bench --scenario peers`: berlin (no base fee, so gas price 0 is valid and accounts need no
// ether), one transaction per block mined on arrival (automine), 30 M gas per block.
module.exports = {
  networks: {
    hardhat: { hardfork: "berlin", gasPrice: 0, chainId: 31337, accounts: { count: 1 }, blockGasLimit: 30_000_000, loggingEnabled: false },
  },
};
