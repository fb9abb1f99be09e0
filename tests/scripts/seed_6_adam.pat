Epoch 1/5
re:1688/1688 \[==============================\] - {time} - loss: {num} - accuracy: {num} - val_loss: {num} - val_accuracy: {num}
Epoch 2/5
re:1688/1688 \[==============================\] - {time} - loss: {num} - accuracy: {num} - val_loss: {num} - val_accuracy: {num}
Epoch 3/5
re:1688/1688 \[==============================\] - {time} - loss: {num} - accuracy: {num} - val_loss: {num} - val_accuracy: {num}
Epoch 4/5
re:1688/1688 \[==============================\] - {time} - loss: {num} - accuracy: {num} - val_loss: {num} - val_accuracy: {num}
Epoch 5/5
re:1688/1688 \[==============================\] - {time} - loss: {num} - accuracy: {num} - val_loss: {num} - val_accuracy: {num}
re:313/313 \[==============================\] - {time} - loss: {num} - accuracy: {num}
re:validation accuracy after 5 epochs: 0\.[0-9]+
re:test accuracy after 5 epochs: 0\.[0-9]+
True True
