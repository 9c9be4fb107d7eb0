// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// The EVM side of `bench --scenario peers`: an ERC-20-like token, the same work as a CareLedger transfer or the
/// PostgreSQL transfer — move an amount between two balances, refuse an overdraft, keep a record (the Transfer log).
contract BenchToken {
    mapping(address => uint256) public balanceOf;
    address private immutable owner;

    event Transfer(address indexed from, address indexed to, uint256 value);

    constructor() {
        owner = msg.sender;
    }

    /// Gives each address an opening balance (the benchmark's accounts, a few hundred per call).
    function seed(address[] calldata to, uint256 amount) external {
        require(msg.sender == owner, "only the deployer seeds");
        for (uint256 i = 0; i < to.length; i++) {
            balanceOf[to[i]] += amount;
            emit Transfer(address(0), to[i], amount);
        }
    }

    function transfer(address to, uint256 value) external returns (bool) {
        uint256 balance = balanceOf[msg.sender];
        require(balance >= value, "insufficient balance");
        unchecked {
            balanceOf[msg.sender] = balance - value;
        }
        balanceOf[to] += value;
        emit Transfer(msg.sender, to, value);
        return true;
    }
}
