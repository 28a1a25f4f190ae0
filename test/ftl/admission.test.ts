import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { type SpaceState, floorHolds, limitsFor, userHeldBack, userRoom, victimFits, worthMoving } from '../../src/ftl/admission.js';

// The 2.0 crash device of the pblk crash test: 1008-sector lines, ws_opt 8, mw_cunits 24, 4 PUs.
const k = limitsFor(4, 8, 24);
const idle: SpaceState = { room: 2000, pendingRoom: 0, movingLeft: 0, movingCapacity: 0, minVictimValid: 900, fullLine: 1008 };

test('the limits: one recovery pads a unit or mw_cunits per PU; user data leaves two of those and a unit per PU', () => {
  assert.deepEqual(limitsFor(4, 8, 24), { unit: 8, pad: 128, reserve: 288 });
  assert.deepEqual(limitsFor(8, 4, 0), { unit: 4, pad: 32, reserve: 96 });
});

test('user data waits when the room nears the emptiest victim plus the reserve', () => {
  assert.equal(userHeldBack(idle, k), false);
  const edge = idle.minVictimValid + k.reserve;
  assert.equal(userHeldBack({ ...idle, room: edge + 1 }, k), false);
  assert.equal(userHeldBack({ ...idle, room: edge }, k), true);
  // No closed line yet: a whole line stands in for the victim.
  assert.equal(userHeldBack({ ...idle, minVictimValid: Infinity, room: 1008 + k.reserve }, k), true);
});

test('a victim being moved does not hold user data back: its line counts as free', () => {
  // Room 2000, GC picked a victim of 1000 valid: 1000 sectors come into the buffer, and the
  // line's 1008 come back at its reset. The old rule took the 1000 off and held user data until
  // GC, picking more victims meanwhile, went round the device (ENOSPC with 2 free lines).
  const moving: SpaceState = { ...idle, movingLeft: 1000, movingCapacity: 1008 };
  assert.equal(userRoom(moving), 2008);
  assert.equal(userHeldBack(moving, k), false);
  // Half moved: the copies are in the buffer (room 1500), 500 to come.
  assert.equal(userHeldBack({ ...moving, room: 1500, movingLeft: 500 }, k), false);
  // Moved, waiting for the reset: the same.
  assert.equal(userRoom({ ...idle, room: 1000, pendingRoom: 1008 }), 2008);
  assert.equal(userHeldBack({ ...idle, room: 1000, pendingRoom: 1008 }, k), false);
});

test('the floor: user data never takes the room the current move and two crashes need', () => {
  const s: SpaceState = { ...idle, room: 1400, movingLeft: 1000, movingCapacity: 1008 };
  assert.equal(floorHolds(s, k), true);
  assert.equal(floorHolds({ ...s, room: 1000 + k.reserve }, k), false);
  assert.equal(userHeldBack({ ...s, room: 1000 + k.reserve, pendingRoom: 5000 }, k), true);
});

test('GC keeps a recovery pad when it starts a victim, a unit under pressure; empty victims always fit', () => {
  assert.equal(victimFits(0, 0, k, false), true);
  assert.equal(victimFits(800, 800 + k.pad + k.unit, k, false), true);
  assert.equal(victimFits(800, 800 + k.pad + k.unit - 1, k, false), false);
  assert.equal(victimFits(800, 800 + k.unit, k, true), true);
  assert.equal(victimFits(800, 800 + k.unit - 1, k, true), false);
  assert.equal(worthMoving(1008 - 16, 1008, k), true);
  assert.equal(worthMoving(1008 - 15, 1008, k), false);
  assert.equal(worthMoving(0, 1008, k), true);
});

test('property: where user data is admitted, GC can start on the emptiest victim, and after two crashes still move it', () => {
  // Admitting a sector (room - 1) leaves, once the picked victims are reset, room to move the
  // emptiest victim keeping a recovery's padding. And the room there is now, beyond the move
  // under way, outlasts two recoveries' padding and three flushes' partial units with a unit to
  // spare: a crash loses the buffer (room back) and the victim keeps what was not written.
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 20_000 }),
      fc.integer({ min: 0, max: 3_000 }),
      fc.integer({ min: 0, max: 1000 }),
      fc.integer({ min: 0, max: 1008 }),
      (room, pendingRoom, movingLeft, minVictimValid) => {
        const s: SpaceState = { room, pendingRoom, movingLeft, movingCapacity: movingLeft > 0 ? 1008 : 0, minVictimValid, fullLine: 1008 };
        if (userHeldBack(s, k)) return;
        assert.ok(victimFits(minVictimValid, userRoom(s) - 1, k, false), `victim ${minVictimValid} in ${userRoom(s) - 1} once reset`);
        const afterTwoCrashes = room - 1 - 2 * k.pad - 3 * k.unit;
        assert.ok(victimFits(movingLeft, afterTwoCrashes, k, true), `the rest of the move (${movingLeft}) after two crashes (${afterTwoCrashes})`);
      },
    ),
    { numRuns: 2000 },
  );
});
