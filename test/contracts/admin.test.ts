// LedgerAnchor's default admin under AccessControlDefaultAdminRules: one holder, never granted directly, moved in
// two steps after a delay (2 days from deployment), and the delay itself changes only with a wait.
import t from "tap";
import { ZeroAddress, ZeroHash } from "ethers";
import { advanceTime, deployLedgerAnchor, eventOf, revertOf } from "./ledger-anchor-fixture.ts";

const TWO_DAYS = 2 * 24 * 3600;

t.test("deployment: the admin is the single default admin with a 2-day transfer delay", async (t) => {
  const f = await deployLedgerAnchor();
  t.teardown(f.close);
  t.equal(await f.ledger.getFunction("defaultAdmin")(), f.admin.address);
  t.equal(await f.ledger.getFunction("owner")(), f.admin.address, "ERC-5313 owner");
  t.equal(await f.ledger.getFunction("defaultAdminDelay")(), BigInt(TWO_DAYS));
  t.equal(await f.ledger.getFunction("INITIAL_ADMIN_DELAY")(), BigInt(TWO_DAYS));
  t.same(await revertOf(f.as(f.admin).getFunction("grantRole")(ZeroHash, f.stranger.address)),
    { name: "AccessControlEnforcedDefaultAdminRules", args: [] }, "the admin role is not granted, only transferred");
  t.same(await revertOf(f.as(f.admin).getFunction("revokeRole")(ZeroHash, f.admin.address)),
    { name: "AccessControlEnforcedDefaultAdminRules", args: [] });
});

t.test("two-step transfer: begin, too early, wrong account, accept after the delay", async (t) => {
  const f = await deployLedgerAnchor();
  t.teardown(f.close);
  const next = f.stranger;
  t.same(await revertOf(f.as(next).getFunction("beginDefaultAdminTransfer")(next.address)),
    { name: "AccessControlUnauthorizedAccount", args: [next.address, ZeroHash] }, "only the admin begins");
  const receipt = await (await f.as(f.admin).getFunction("beginDefaultAdminTransfer")(next.address)).wait();
  const schedule = BigInt((await f.provider.getBlock(receipt.blockNumber))!.timestamp + TWO_DAYS);
  t.same(eventOf(receipt, "DefaultAdminTransferScheduled"), [next.address, schedule]);
  t.same([...await f.ledger.getFunction("pendingDefaultAdmin")()], [next.address, schedule]);

  const accept = f.as(next).getFunction("acceptDefaultAdminTransfer");
  const tooEarly = { name: "AccessControlEnforcedDefaultAdminDelay", args: [schedule] };
  t.same(await revertOf(accept()), tooEarly, "right after beginning");
  // Offsets from the chain's own clock, so a slow machine cannot move the test across the deadline.
  const chainTime = async () => BigInt((await f.provider.getBlock("latest"))!.timestamp);
  await advanceTime(f.provider, Number(schedule - (await chainTime())) - 60);
  t.same(await revertOf(accept()), tooEarly, "a minute before the delay is over");
  t.same(await revertOf(f.as(f.registrar).getFunction("acceptDefaultAdminTransfer")()),
    { name: "AccessControlInvalidDefaultAdmin", args: [f.registrar.address] }, "only the pending admin accepts");
  t.equal(await f.ledger.getFunction("defaultAdmin")(), f.admin.address, "nothing moved yet");
  await (await f.as(f.admin).getFunction("pause")()).wait(); // the old admin still acts until acceptance

  await advanceTime(f.provider, Number(schedule - (await chainTime())));
  await (await accept()).wait(); // mined after the block at `schedule`: OpenZeppelin wants schedule < block.timestamp
  t.equal(await f.ledger.getFunction("defaultAdmin")(), next.address);
  t.equal(await f.ledger.getFunction("hasRole")(ZeroHash, f.admin.address), false, "the old admin lost the role");
  t.same([...await f.ledger.getFunction("pendingDefaultAdmin")()], [ZeroAddress, 0n]);
  t.same(await revertOf(f.as(f.admin).getFunction("unpause")()),
    { name: "AccessControlUnauthorizedAccount", args: [f.admin.address, ZeroHash] });
  await (await f.as(next).getFunction("unpause")()).wait();
  t.equal(await f.ledger.getFunction("paused")(), false, "the new admin acts");
});

t.test("the delay changes only through the admin's own delayed changeDefaultAdminDelay", async (t) => {
  const f = await deployLedgerAnchor();
  t.teardown(f.close);
  t.same(await revertOf(f.as(f.stranger).getFunction("changeDefaultAdminDelay")(3600)),
    { name: "AccessControlUnauthorizedAccount", args: [f.stranger.address, ZeroHash] });
  const receipt = await (await f.as(f.admin).getFunction("changeDefaultAdminDelay")(TWO_DAYS / 2)).wait();
  // Shortening waits out the difference, so no transfer can be faster than the delay in force when it was asked.
  const effect = BigInt((await f.provider.getBlock(receipt.blockNumber))!.timestamp + TWO_DAYS / 2);
  t.same(eventOf(receipt, "DefaultAdminDelayChangeScheduled"), [BigInt(TWO_DAYS / 2), effect]);
  t.equal(await f.ledger.getFunction("defaultAdminDelay")(), BigInt(TWO_DAYS), "still 2 days meanwhile");
  await advanceTime(f.provider, TWO_DAYS / 2 + 1);
  t.equal(await f.ledger.getFunction("defaultAdminDelay")(), BigInt(TWO_DAYS / 2), "1 day once the change is in effect");
});
