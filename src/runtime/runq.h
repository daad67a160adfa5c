// Run queues (after Go's proc.go): each P's bounded lock-free queue with runnext, and the global queue.
// The scheduler (mproc.cpp) runs Gs from them on every M.
#pragma once

#include "runtime/runtime2.h"

namespace gostack::rt {

// Puts gp on pp's queue. With next, gp goes into runnext and the G it displaces goes to the
// tail. A full queue moves half of itself plus gp to the global queue. Owner P only.
void runqput(P* pp, G* gp, bool next);

// Takes the next G: runnext first (inherit_time = true, it shares the current time slice),
// else the head of the queue. nullptr when empty. Owner P only.
G* runqget(P* pp, bool* inherit_time);

bool runqempty(const P* pp);

// Steals half of p2's queue (or, if that is empty and steal_runnext, its runnext) into pp's
// queue and returns one of the stolen Gs, or nullptr. Run by pp's owner, concurrently with
// p2's owner and other thieves.
G* runqsteal(P* pp, P* p2, bool steal_runnext);

// The global queue; sched.lock must be held.
void globrunqput(G* gp);
// Takes a fair share (runqsize / gomaxprocs + 1, at most max when max > 0, at most half a
// local queue) to pp: returns one and puts the rest on pp's queue.
G* globrunqget(P* pp, int32_t max);

}  // namespace gostack::rt
