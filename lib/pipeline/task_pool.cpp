// TaskPool (task_pool.h): each Task is claimed exactly once, by a worker or by its first
// waiter, under the task's own mutex; the pool's queue only says which tasks a worker may
// look at. A worker that pops a task already claimed by a waiter just drops it. A task
// that throws on a worker keeps the exception and wait() rethrows it on the waiter's
// thread (an exception must not end a worker, which would terminate the process).
#include "pipeline/task_pool.h"

#include <exception>
#include <utility>

namespace dmarc::pipeline {

class TaskPool::Task {
public:
    explicit Task(std::function<void()> work) : work_(std::move(work)) {}

    // True when the caller now owns the run (nobody started it before).
    bool claim() {
        std::lock_guard lock(mutex_);
        if (state_ != State::Queued) return false;
        state_ = State::Running;
        return true;
    }

    // Runs a claimed task and wakes its waiters.
    void run() {
        std::exception_ptr error;
        try {
            work_();
        } catch (...) {
            error = std::current_exception();
        }
        work_ = nullptr;  // release what the work captured as soon as it is done
        {
            std::lock_guard lock(mutex_);
            error_ = error;
            state_ = State::Done;
        }
        done_.notify_all();
    }

    // Done without running, if nobody started it: its work and what it captured go now.
    void cancel() {
        std::function<void()> dropped;
        {
            std::lock_guard lock(mutex_);
            if (state_ != State::Queued) return;
            state_ = State::Done;
            dropped = std::move(work_);
        }
        done_.notify_all();
    }

    void awaitDone() {
        std::unique_lock lock(mutex_);
        done_.wait(lock, [this] { return state_ == State::Done; });
        if (error_) std::rethrow_exception(error_);
    }

private:
    enum class State { Queued, Running, Done };
    std::mutex mutex_;
    std::condition_variable done_;
    State state_ = State::Queued;
    std::function<void()> work_;
    std::exception_ptr error_;
};

TaskPool::TaskPool(std::size_t threads) {
    workers_.reserve(threads);
    for (std::size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { workerLoop(); });
}

TaskPool::~TaskPool() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        queue_.clear();  // unstarted tasks stay Queued: their waiters run them
    }
    wake_.notify_all();
    for (auto& worker : workers_) worker.join();
}

TaskPool::TaskPtr TaskPool::submit(std::function<void()> work) {
    auto task = std::make_shared<Task>(std::move(work));
    {
        std::lock_guard lock(mutex_);
        // Without workers (or once stopping) nobody would take it: the waiter runs it.
        if (!stopping_ && !workers_.empty()) queue_.push_back(task);
    }
    wake_.notify_one();
    return task;
}

void TaskPool::wait(const TaskPtr& task) {
    if (task->claim()) task->run();
    task->awaitDone();
}

void TaskPool::cancel(const TaskPtr& task) {
    if (task) task->cancel();
}

void TaskPool::workerLoop() {
    for (;;) {
        TaskPtr task;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (stopping_) return;
            task = std::move(queue_.front());
            queue_.pop_front();
        }
        if (task->claim()) task->run();
    }
}

}  // namespace dmarc::pipeline
