// TaskPool: a fixed set of worker threads running queued tasks, for work that must start
// early and be collected later (SPF checks start at MAIL FROM, are collected at end of
// message). submit() returns a handle; wait() on it runs the task on the calling thread if
// no worker has taken it yet, so a long queue never makes a message wait longer than its
// own work. The destructor drops tasks no worker has started (their
// handles then run them on wait()) and joins the workers. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace dmarc::pipeline {

class TaskPool {
public:
    class Task;
    using TaskPtr = std::shared_ptr<Task>;

    explicit TaskPool(std::size_t threads);
    ~TaskPool();
    TaskPool(const TaskPool&) = delete;
    TaskPool& operator=(const TaskPool&) = delete;

    // Queues `work`; it runs once, on a worker or on the first waiter.
    TaskPtr submit(std::function<void()> work);
    // Blocks until `task` has run (running it here if no worker started it).
    static void wait(const TaskPtr& task);
    // For a task nobody will wait for any more: if no worker has started it, it never runs
    // (a worker that pops it drops it), so abandoned work does not hold up live work.
    // A null task is ignored.
    static void cancel(const TaskPtr& task);

private:
    void workerLoop();
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<TaskPtr> queue_;
    bool stopping_ = false;
    std::vector<std::thread> workers_;
};

}  // namespace dmarc::pipeline
