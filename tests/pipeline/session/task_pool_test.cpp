// TaskPool: tasks run once, on a worker or on the waiter; wait() takes over a task no
// worker has started; cancel drops a task nobody started; exceptions reach the waiter;
// destruction leaves unstarted tasks to their waiters.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <thread>

#include "pipeline/task_pool.h"

using dmarc::pipeline::TaskPool;

TEST_CASE("TaskPool runs every task exactly once") {
    TaskPool pool(3);
    std::atomic<int> runs{0};
    std::vector<TaskPool::TaskPtr> tasks;
    for (int i = 0; i < 200; ++i) tasks.push_back(pool.submit([&] { ++runs; }));
    for (const auto& task : tasks) TaskPool::wait(task);
    CHECK(runs == 200);
    for (const auto& task : tasks) TaskPool::wait(task);  // waiting again runs nothing
    CHECK(runs == 200);
}

TEST_CASE("TaskPool work runs on a worker thread when one is free") {
    TaskPool pool(1);
    std::promise<std::thread::id> ran;
    auto task = pool.submit([&] { ran.set_value(std::this_thread::get_id()); });
    auto id = ran.get_future();
    REQUIRE(id.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
    TaskPool::wait(task);
    CHECK(id.get() != std::this_thread::get_id());
}

TEST_CASE("TaskPool wait runs a queued task on the waiting thread") {
    TaskPool pool(1);
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    std::promise<void> started;
    auto blocker = pool.submit([&] {
        started.set_value();
        released.wait();
    });
    started.get_future().wait();  // the only worker is busy now
    std::thread::id ranOn;
    auto queued = pool.submit([&] { ranOn = std::this_thread::get_id(); });
    TaskPool::wait(queued);
    CHECK(ranOn == std::this_thread::get_id());
    release.set_value();
    TaskPool::wait(blocker);
}

TEST_CASE("TaskPool wait blocks until a running task finishes") {
    TaskPool pool(1);
    std::promise<void> started;
    std::atomic<bool> finished{false};
    auto task = pool.submit([&] {
        started.set_value();
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        finished = true;
    });
    started.get_future().wait();
    TaskPool::wait(task);
    CHECK(finished);
}

TEST_CASE("TaskPool wait rethrows what the task threw") {
    TaskPool pool(2);
    auto task = pool.submit([] { throw std::runtime_error("spf exploded"); });
    CHECK_THROWS_WITH(TaskPool::wait(task), "spf exploded");
    // The workers survived it.
    std::atomic<int> runs{0};
    auto next = pool.submit([&] { ++runs; });
    TaskPool::wait(next);
    CHECK(runs == 1);
}

TEST_CASE("TaskPool destruction leaves unstarted tasks to their waiters") {
    std::atomic<int> runs{0};
    TaskPool::TaskPtr queued;
    {
        TaskPool pool(1);
        std::promise<void> started;
        auto blocker = pool.submit([&] {
            started.set_value();
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        });
        started.get_future().wait();
        queued = pool.submit([&] { ++runs; });
    }  // joins the worker after the blocker; `queued` was dropped from the queue
    CHECK(runs == 0);
    TaskPool::wait(queued);
    CHECK(runs == 1);
}

TEST_CASE("TaskPool without threads runs tasks in wait") {
    TaskPool pool(0);
    int runs = 0;
    auto task = pool.submit([&] { ++runs; });
    CHECK(runs == 0);
    TaskPool::wait(task);
    CHECK(runs == 1);
}

TEST_CASE("TaskPool cancel drops a task no worker started, and leaves a started one alone") {
    TaskPool pool(1);
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    std::promise<void> started;
    std::atomic<int> blockerRuns{0};
    auto blocker = pool.submit([&] {
        started.set_value();
        released.wait();
        ++blockerRuns;
    });
    started.get_future().wait();  // the only worker is busy: the next tasks stay queued
    std::atomic<int> abandonedRuns{0};
    auto abandoned = pool.submit([&] { ++abandonedRuns; });
    std::atomic<int> liveRuns{0};
    auto live = pool.submit([&] { ++liveRuns; });
    TaskPool::cancel(abandoned);
    TaskPool::cancel(blocker);   // already running: finishes anyway
    TaskPool::cancel(nullptr);   // ignored
    release.set_value();
    TaskPool::wait(blocker);
    TaskPool::wait(live);        // the worker passes over the cancelled task
    TaskPool::wait(abandoned);   // returns at once: done without running
    CHECK(blockerRuns == 1);
    CHECK(liveRuns == 1);
    CHECK(abandonedRuns == 0);
}
