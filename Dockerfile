# retrobook in a container: build with the Rust image, run from a small
# image as a non-root user.
#
#   docker build -t retrobook .
#   docker run --rm -v "$PWD:/book" retrobook check
#   docker run --rm -v "$PWD:/book" --user "$(id -u):$(id -g)" retrobook build
#   docker run --rm -p 3000:3000 -v "$PWD:/book" retrobook serve --bind 0.0.0.0

FROM rust:1-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --locked --profile dist && cp target/dist/retrobook /usr/local/bin/retrobook

# glibc and libgcc only (the `cc` variant), no shell; runs as uid 65532.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /usr/local/bin/retrobook /usr/local/bin/retrobook
WORKDIR /book
EXPOSE 3000
ENTRYPOINT ["/usr/local/bin/retrobook"]
CMD ["check"]
