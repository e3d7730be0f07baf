// Result<T, E>: a value or a typed error, returned across module boundaries instead of
// throwing (C++20 has no std::expected). E is always a small enum or struct naming why.
#pragma once

#include <utility>
#include <variant>

namespace dmarc::core {

template <typename E>
struct Failure {
    E error;
};

template <typename E>
Failure<E> fail(E error) { return Failure<E>{std::move(error)}; }

template <typename T, typename E>
class [[nodiscard]] Result {
public:
    Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
    Result(Failure<E> failure) : state_(std::in_place_index<1>, std::move(failure.error)) {}

    bool ok() const { return state_.index() == 0; }
    explicit operator bool() const { return ok(); }

    const T& value() const& { return std::get<0>(state_); }
    T& value() & { return std::get<0>(state_); }
    T&& value() && { return std::get<0>(std::move(state_)); }
    const T& operator*() const& { return value(); }
    const T* operator->() const { return &value(); }

    const E& error() const { return std::get<1>(state_); }

private:
    std::variant<T, E> state_;
};

}  // namespace dmarc::core
