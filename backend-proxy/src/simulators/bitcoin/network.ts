export type SimNetwork = 'mainnet' | 'testnet' | 'testnet4' | 'signet' | 'regtest';

export interface NetworkParams {
  /** `chain` as getblockchaininfo reports it */
  chain: 'main' | 'test' | 'testnet4' | 'signet' | 'regtest';
  /** datadir sub-directory bitcoind uses for this network ('' for mainnet) */
  subdir: string;
  rpcPort: number;
  p2pPort: number;
  zmqPortHint: number;
  /** compact target of the simulated tip (difficulty derives from it) */
  bits: number;
  defaultInitialHeight: number;
  halvingInterval: number;
  /** leading zero hex digits of block hashes, so they look like the real network's */
  hashZeros: number;
  /** seconds between blocks of the pre-generated history */
  historySpacing: number;
  /** chainwork (hex) at height 0 of the simulated history, so mainnet looks mature */
  chainworkBase: bigint;
  /** buried deployments, in DeploymentInfo's order (src/rpc/blockchain.cpp:1373-1377) */
  buried: Record<'bip34' | 'bip66' | 'bip65' | 'csv' | 'segwit', number>;
  /**
   * taproot is still a BIP9 deployment in Core 28 (src/kernel/chainparams.cpp, DEPLOYMENT_TAPROOT):
   * start/timeout/min_activation_height as chainparams sets them, ALWAYS_ACTIVE = -1;
   * `since` is the height its ACTIVE state began (0 for ALWAYS_ACTIVE).
   */
  taproot: { startTime: number; timeout: bigint; minActivationHeight: number; since: number };
  /** the real genesis block of the network (chainparams.cpp) */
  genesis: { hash: string; time: number; nonce: number; bits: number; merkleroot: string };
}

/** testnet4, signet, regtest: Consensus::BIP9Deployment::ALWAYS_ACTIVE, NO_TIMEOUT, no delay (chainparams.cpp:337-340, :477-480, :554-557) */
const ALWAYS_ACTIVE_TAPROOT = { startTime: -1, timeout: 9223372036854775807n, minActivationHeight: 0, since: 0 };

const SATOSHI_MERKLE = '4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b';

export const NETWORKS: Record<SimNetwork, NetworkParams> = {
  mainnet: {
    chain: 'main',
    subdir: '',
    rpcPort: 8332,
    p2pPort: 8333,
    zmqPortHint: 28332,
    bits: 0x17030ecd,
    defaultInitialHeight: 840_000,
    halvingInterval: 210_000,
    hashZeros: 19,
    historySpacing: 600,
    chainworkBase: 0n,
    buried: { bip34: 227_931, bip66: 363_725, bip65: 388_381, csv: 419_328, segwit: 481_824 },
    // chainparams.cpp:113-116 (CMainParams); active at its min_activation_height
    taproot: { startTime: 1619222400, timeout: 1628640000n, minActivationHeight: 709_632, since: 709_632 },
    genesis: {
      hash: '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f',
      time: 1231006505,
      nonce: 2083236893,
      bits: 0x1d00ffff,
      merkleroot: SATOSHI_MERKLE,
    },
  },
  testnet: {
    chain: 'test',
    subdir: 'testnet3',
    rpcPort: 18332,
    p2pPort: 18333,
    zmqPortHint: 28332,
    bits: 0x1903a30c,
    defaultInitialHeight: 2_900_000,
    halvingInterval: 210_000,
    hashZeros: 8,
    historySpacing: 600,
    chainworkBase: 0n,
    buried: { bip34: 21_111, bip66: 330_776, bip65: 581_885, csv: 770_112, segwit: 834_624 },
    // chainparams.cpp:238-241 (CTestNetParams). `since` (2,011,968 = 998 × 2016) is NOT verified against
    // a reference: no testnet3 chain data was at hand; it is a period boundary after the 2021 start time
    taproot: { startTime: 1619222400, timeout: 1628640000n, minActivationHeight: 0, since: 2_011_968 },
    genesis: {
      hash: '000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943',
      time: 1296688602,
      nonce: 414098458,
      bits: 0x1d00ffff,
      merkleroot: SATOSHI_MERKLE,
    },
  },
  testnet4: {
    chain: 'testnet4',
    subdir: 'testnet4',
    rpcPort: 48332,
    p2pPort: 48333,
    zmqPortHint: 28332,
    bits: 0x1d00ffff,
    defaultInitialHeight: 60_000,
    halvingInterval: 210_000,
    hashZeros: 8,
    historySpacing: 600,
    chainworkBase: 0n,
    buried: { bip34: 1, bip66: 1, bip65: 1, csv: 1, segwit: 1 },
    taproot: ALWAYS_ACTIVE_TAPROOT,
    genesis: {
      hash: '00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043',
      time: 1714777860,
      nonce: 393743547,
      bits: 0x1d00ffff,
      merkleroot: '7aa0a7ae1e223414cb807e40cd57e667b718e42aaf9306db9102fe28912b7b4e',
    },
  },
  signet: {
    chain: 'signet',
    subdir: 'signet',
    rpcPort: 38332,
    p2pPort: 38333,
    zmqPortHint: 28332,
    bits: 0x1e0377ae,
    defaultInitialHeight: 220_000,
    halvingInterval: 210_000,
    hashZeros: 5,
    historySpacing: 600,
    chainworkBase: 0n,
    buried: { bip34: 1, bip66: 1, bip65: 1, csv: 1, segwit: 1 },
    taproot: ALWAYS_ACTIVE_TAPROOT,
    genesis: {
      hash: '00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6',
      time: 1598918400,
      nonce: 52613770,
      bits: 0x1e0377ae,
      merkleroot: SATOSHI_MERKLE,
    },
  },
  regtest: {
    chain: 'regtest',
    subdir: 'regtest',
    rpcPort: 18443,
    p2pPort: 18444,
    zmqPortHint: 28332,
    bits: 0x207fffff,
    defaultInitialHeight: 200,
    halvingInterval: 150,
    hashZeros: 0,
    historySpacing: 1,
    chainworkBase: 0n,
    buried: { bip34: 1, bip66: 1, bip65: 1, csv: 1, segwit: 0 },
    taproot: ALWAYS_ACTIVE_TAPROOT,
    genesis: {
      hash: '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206',
      time: 1296688602,
      nonce: 2,
      bits: 0x207fffff,
      merkleroot: SATOSHI_MERKLE,
    },
  },
};

/** target from compact bits (consensus arith_uint256::SetCompact) */
export function targetFromBits(bits: number): bigint {
  const exponent = bits >>> 24;
  const mantissa = BigInt(bits & 0x007fffff);
  return exponent <= 3 ? mantissa >> BigInt(8 * (3 - exponent)) : mantissa << BigInt(8 * (exponent - 3));
}

/** GetDifficulty() from rpc/blockchain.cpp */
export function difficultyFromBits(bits: number): number {
  let shift = (bits >>> 24) & 0xff;
  let diff = 0x0000ffff / (bits & 0x00ffffff);
  while (shift < 29) {
    diff *= 256;
    shift++;
  }
  while (shift > 29) {
    diff /= 256;
    shift--;
  }
  return diff;
}

/** GetBlockProof(): work of one block at this target */
export function blockWork(bits: number): bigint {
  const target = targetFromBits(bits);
  return (1n << 256n) / (target + 1n);
}

export function subsidySats(height: number, halvingInterval: number): number {
  const halvings = Math.floor(height / halvingInterval);
  if (halvings >= 64) return 0;
  return Math.floor((50 * 1e8) / 2 ** halvings);
}
